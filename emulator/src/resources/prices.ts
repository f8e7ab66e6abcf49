import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { previousAttributes } from '../core/events.js';
import { matchesCreated, paginate } from '../core/list.js';
import {
  applyMetadata,
  optionalBoolean,
  optionalEnum,
  optionalHash,
  optionalString,
  optionalStringArray,
  rejectUnknownParams,
  type Params,
} from '../core/params.js';
import { searchTable, type SearchField } from '../core/search.js';
import { requestParams } from '../core/request-params.js';
import { createPriceObject, type Price } from './price-object.js';

export type { Price } from './price-object.js';

const UPDATE_PARAMS = [
  'active',
  'currency_options',
  'lookup_key',
  'metadata',
  'nickname',
  'tax_behavior',
  'transfer_lookup_key',
];

export function prices(context: EmulatorContext) {
  return context.state.table<Price>('price');
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

/** What `/v1/prices/search` queries can name (metadata is always searchable). */
const SEARCHABLE_FIELDS: Record<string, SearchField<Price>> = {
  active: (row) => row.active,
  created: (row) => row.created,
  currency: (row) => row.currency,
  lookup_key: (row) => row.lookup_key,
  product: (row) => row.product,
  type: (row) => row.type,
};

export function registerPriceRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('price', 'price');
  const table = prices(context);

  app.post('/v1/prices', async (request) => createPrice(context, requestParams(request)));

  app.get<{ Params: { id: string } }>('/v1/prices/:id', async (request) => table.get(request.params.id));

  app.post<{ Params: { id: string } }>('/v1/prices/:id', async (request) => {
    const params = requestParams(request);
    const price = table.get(request.params.id);
    rejectUnknownParams(params, UPDATE_PARAMS);
    const before = structuredClone(price);
    const active = optionalBoolean(params, 'active');
    if (active !== undefined) price.active = active;
    const nickname = optionalString(params, 'nickname');
    if (nickname !== undefined) price.nickname = nickname;
    const taxBehavior = optionalEnum(params, 'tax_behavior', [
      'inclusive',
      'exclusive',
      'unspecified',
    ] as const);
    if (taxBehavior !== undefined && taxBehavior !== price.tax_behavior) {
      if (price.tax_behavior !== 'unspecified') {
        throw invalidRequest(
          `The tax_behavior of a price cannot be changed once it is set to '${price.tax_behavior}'.`,
          'tax_behavior',
        );
      }
      price.tax_behavior = taxBehavior;
    }
    const lookupKey = optionalString(params, 'lookup_key');
    if (lookupKey === null) price.lookup_key = null;
    if (lookupKey && lookupKey !== price.lookup_key) {
      const transfer = optionalBoolean(params, 'transfer_lookup_key') ?? false;
      claimLookupKey(context, price, lookupKey, transfer, 'lookup_key');
      price.lookup_key = lookupKey;
    }
    price.metadata = applyMetadata(price.metadata, params);
    const changed = previousAttributes(before, price);
    if (Object.keys(changed).length > 0) {
      context.events.emit('price.updated', price, { previousAttributes: changed });
    }
    return price;
  });

  app.get('/v1/prices', async (request) => {
    const params = requestParams(request);
    const active = optionalBoolean(params, 'active');
    const product = optionalString(params, 'product');
    const currency = optionalString(params, 'currency')?.toLowerCase();
    const type = optionalEnum(params, 'type', ['one_time', 'recurring'] as const);
    const recurring = optionalHash(params, 'recurring') ?? {};
    const interval = optionalString(recurring, 'interval');
    const usageType = optionalString(recurring, 'usage_type');
    const meter = optionalString(recurring, 'meter');
    const lookupKeys = optionalStringArray(params, 'lookup_keys');
    if (lookupKeys && lookupKeys.length > 10) {
      throw invalidRequest('You may pass at most 10 lookup_keys.', 'lookup_keys');
    }
    const rows = table.list(
      (row) =>
        (active === undefined || row.active === active) &&
        (product === undefined || row.product === product) &&
        (currency === undefined || row.currency === currency) &&
        (type === undefined || row.type === type) &&
        (interval === undefined || row.recurring?.interval === interval) &&
        (usageType === undefined || row.recurring?.usage_type === usageType) &&
        (meter === undefined || row.recurring?.meter === meter) &&
        (lookupKeys === undefined || (row.lookup_key !== null && lookupKeys.includes(row.lookup_key))) &&
        matchesCreated(row.created, params),
    );
    return paginate(rows, params, '/v1/prices');
  });

  app.get('/v1/prices/search', async (request) =>
    searchTable(table, requestParams(request), SEARCHABLE_FIELDS, '/v1/prices/search'),
  );
}

/**
 * A lookup key belongs to one price. Taking one that another price holds is a 400 unless `transfer_lookup_key`
 * moves it (that price then has no key, and `price.updated` says so).
 */
function claimLookupKey(
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
