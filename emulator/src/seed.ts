// The seed catalog created at start (`--seed FILE` or `startEmulator({ seed })`).
import type { EmulatorContext } from './core/context.js';
import { StripeError } from './core/errors.js';
import type { Params } from './core/params.js';
import { assertKnownParams, paramSchemaFor } from './params/strict-params.js';
import { createPrice, createProduct } from './resources/catalog.js';
import { products } from './resources/product-object.js';

/**
 * A catalog to create at start (`--seed FILE` or `startEmulator({ seed })`):
 *
 *   { "products": [ { "id": "prod_pro", "name": "Pro", "metadata": { … }, "marketing_features": [{ "name": "…" }],
 *       "prices": [ { "lookup_key": "pro_monthly", "unit_amount": 2000, "currency": "usd",
 *                     "recurring": { "interval": "month" }, "default": true } ] } ] }
 *
 * Products take the create params of `POST /v1/products`, prices those of `POST /v1/prices` (without `product`);
 * `default: true` makes a price its product's `default_price`. Objects are created through the same code as the
 * API, so they are shaped the same and emit the same events.
 */
export interface SeedSummary {
  products: number;
  prices: number;
}

export function applySeed(context: EmulatorContext, seed: unknown): SeedSummary {
  const summary = { products: 0, prices: 0 };
  if (seed === undefined || seed === null) return summary;
  if (!isRecord(seed) || !Array.isArray(seed.products)) {
    throw new Error('seed: expected an object with a "products" array.');
  }
  for (const [index, entry] of seed.products.entries()) {
    const where = `seed: products[${index}]`;
    if (!isRecord(entry)) throw new Error(`${where}: expected an object.`);
    const { prices: priceEntries = [], ...productFields } = entry;
    if (!Array.isArray(priceEntries)) throw new Error(`${where}.prices: expected an array.`);
    const product = explain(where, () => {
      const params = formParams(productFields);
      assertKnownParams(params, paramSchemaFor('POST', '/v1/products') ?? {});
      return createProduct(context, params);
    });
    summary.products += 1;
    let defaultPrice: string | null = null;
    for (const [priceIndex, priceEntry] of priceEntries.entries()) {
      const priceWhere = `${where}.prices[${priceIndex}]`;
      if (!isRecord(priceEntry)) throw new Error(`${priceWhere}: expected an object.`);
      const { default: isDefault, ...priceFields } = priceEntry;
      const price = explain(priceWhere, () => {
        const params = { ...formParams(priceFields), product: product.id };
        assertKnownParams(params, paramSchemaFor('POST', '/v1/prices') ?? {});
        return createPrice(context, params);
      });
      summary.prices += 1;
      if (isDefault === true) defaultPrice = price.id;
    }
    if (defaultPrice) {
      const stored = products(context).get(product.id);
      stored.default_price = defaultPrice;
      context.events.emit('product.updated', stored, { previousAttributes: { default_price: null } });
    }
  }
  return summary;
}

/** JSON values as the form encoding would deliver them: numbers and booleans become strings. */
function formParams(value: Record<string, unknown>): Params {
  return convert(value) as Params;
}

function convert(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(convert);
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, convert(item)]));
  return value;
}

function explain<T>(where: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof StripeError) {
      const param = error.fields.param ? ` (${error.fields.param})` : '';
      throw new Error(`${where}${param}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
