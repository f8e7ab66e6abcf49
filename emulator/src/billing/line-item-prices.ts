// Prices for line items: looking up an active price, and the inline prices and products `price_data` creates.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { newId } from '../core/ids.js';
import {
  optionalEnum,
  optionalHash,
  optionalInteger,
  optionalString,
  requiredString,
  type Params,
} from '../core/params.js';
import { prices, type Price } from '../resources/price-object.js';
import type { Recurring } from '../resources/price-params.js';
import { products, type Product } from '../resources/product-object.js';

export function findPrice(context: EmulatorContext, id: string): Price | undefined {
  return prices(context).find(id);
}

/** A price for a line item; Stripe answers an unknown price inside a create call with a 400 on the item's param. */
export function priceForParam(context: EmulatorContext, id: string, param: string): Price {
  const price = findPrice(context, id);
  if (!price) throw invalidRequest(`No such price: '${id}'`, param, 'resource_missing');
  if (!price.active) {
    throw invalidRequest('The price specified is inactive. This field only accepts active prices.', param);
  }
  if (price.unit_amount === null) {
    throw invalidRequest('The emulator supports only prices with a unit_amount.', param);
  }
  return price;
}

/**
 * A copy of a price as it stands now, for an object that embeds it (a checkout line item). Shallow on purpose: a
 * stored price never changes a nested value in place (updates set scalars and replace `metadata` whole), so the
 * copy may share its nested objects, which spares a structured clone per line on the checkout hot path.
 */
export function priceSnapshot(price: Price): Price {
  return { ...price };
}

export function productName(context: EmulatorContext, productId: string): string {
  const product = products(context).find(productId);
  return product?.name ?? productId;
}

/** `price_data` (with `product` or `product_data`): creates the inline price (and product) Stripe would. */
export function createInlinePrice(context: EmulatorContext, data: Params, param: string, now: number): Price {
  const currency = requiredString(data, 'currency').toLowerCase();
  const unitAmount = optionalInteger(data, 'unit_amount') ?? undefined;
  const decimal = optionalString(data, 'unit_amount_decimal');
  const amount = unitAmount ?? (decimal ? Math.round(Number(decimal)) : undefined);
  if (amount === undefined || amount < 0) {
    throw invalidRequest(
      `Missing required param: ${param}[unit_amount].`,
      `${param}[unit_amount]`,
      'parameter_missing',
    );
  }
  let productId = optionalString(data, 'product') ?? undefined;
  const productData = optionalHash(data, 'product_data');
  if (productId) {
    if (!products(context).find(productId)) {
      throw invalidRequest(`No such product: '${productId}'`, `${param}[product]`, 'resource_missing');
    }
  } else if (productData) {
    productId = createInlineProduct(context, productData, `${param}[product_data]`, now).id;
  } else {
    throw invalidRequest(
      `Missing required param: ${param}[product].`,
      `${param}[product]`,
      'parameter_missing',
    );
  }
  const recurringParams = optionalHash(data, 'recurring');
  const recurring: Recurring | null = recurringParams
    ? {
        interval: parseInterval(requiredString(recurringParams, 'interval'), `${param}[recurring][interval]`),
        interval_count: optionalInteger(recurringParams, 'interval_count') ?? 1,
        meter: null,
        trial_period_days: null,
        usage_type: 'licensed',
      }
    : null;
  const price: Price = {
    id: newId('price'),
    object: 'price',
    active: false,
    billing_scheme: 'per_unit',
    created: now,
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: productId,
    recurring,
    tax_behavior:
      optionalEnum(data, 'tax_behavior', ['inclusive', 'exclusive', 'unspecified'] as const) ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: amount,
    unit_amount_decimal: String(amount),
  };
  prices(context).insert(price);
  return price;
}

function createInlineProduct(context: EmulatorContext, data: Params, param: string, now: number): Product {
  const product: Product = {
    id: newId('prod', 14),
    object: 'product',
    active: false,
    created: now,
    default_price: null,
    description: optionalString(data, 'description') ?? null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: {},
    name: requiredStringAt(data, 'name', param),
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    type: 'service',
    unit_label: null,
    updated: now,
    url: null,
  };
  products(context).insert(product);
  return product;
}

function requiredStringAt(data: Params, name: string, param: string): string {
  const value = optionalString(data, name);
  if (!value)
    throw invalidRequest(
      `Missing required param: ${param}[${name}].`,
      `${param}[${name}]`,
      'parameter_missing',
    );
  return value;
}

function parseInterval(value: string, param: string): Recurring['interval'] {
  if (value === 'day' || value === 'week' || value === 'month' || value === 'year') return value;
  throw invalidRequest(`Invalid ${param}: must be one of day, week, month, or year`, param);
}
