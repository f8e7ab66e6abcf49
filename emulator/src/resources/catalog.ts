// Creating and deleting products and prices as the API does, with their events and lookup keys.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { optionalBoolean, optionalHash, type Params } from '../core/params.js';
import { createPriceObject, prices, type Price } from './price-object.js';
import { insertProduct, type Product } from './product-object.js';

/**
 * Creates a product from create params (also the seed catalog), with its `default_price_data` price. Emits
 * `product.created`, then `price.created` for the default price.
 */
export function createProduct(context: EmulatorContext, params: Params): Product {
  const product = insertProduct(context, params);
  const defaultPriceData = optionalHash(params, 'default_price_data');
  if (!defaultPriceData) {
    context.events.emit('product.created', product);
    return product;
  }
  const price = createPrice(context, { ...defaultPriceData, product: product.id }, 'default_price_data', {
    emit: false,
  });
  product.default_price = price.id;
  context.events.emit('product.created', product);
  context.events.emit('price.created', price);
  return product;
}

/**
 * Creates a price from create params (`product` or `product_data`), moving its lookup key from another price when
 * `transfer_lookup_key` is set. Emits `price.created` unless the caller emits it in its own order.
 */
export function createPrice(
  context: EmulatorContext,
  params: Params,
  paramPrefix = '',
  options: { emit?: boolean } = {},
): Price {
  const price = createPriceObject(context, params, paramPrefix);
  const transfer = optionalBoolean(params, 'transfer_lookup_key') ?? false;
  if (price.lookup_key)
    claimLookupKey(context, price, price.lookup_key, transfer, `${paramPrefix}lookup_key`);
  prices(context).insert(price);
  if (options.emit !== false) context.events.emit('price.created', price);
  return price;
}

/** The Dashboard's "delete price" (there is no API for it): emits `price.deleted`. */
export function deletePrice(context: EmulatorContext, id: string): Price {
  const price = prices(context).get(id);
  prices(context).delete(id);
  context.events.emit('price.deleted', price);
  return price;
}

/**
 * A lookup key belongs to one price. Taking one that another price holds is a 400 unless `transfer_lookup_key`
 * moves it (that price then has no key, and `price.updated` says so).
 */
export function claimLookupKey(
  context: EmulatorContext,
  price: Price,
  lookupKey: string,
  transfer: boolean,
  param: string,
): void {
  if (lookupKey.length > 200) throw invalidRequest('lookup_key must be at most 200 characters.', param);
  const holder = prices(context).list((row) => row.lookup_key === lookupKey && row.id !== price.id)[0];
  if (!holder) return;
  if (!transfer) {
    throw invalidRequest(
      `A price (\`${holder.id}\`) already uses that lookup key. Pass transfer_lookup_key=true to move it to this price.`,
      param,
    );
  }
  holder.lookup_key = null;
  context.events.emit('price.updated', holder, { previousAttributes: { lookup_key: lookupKey } });
}
