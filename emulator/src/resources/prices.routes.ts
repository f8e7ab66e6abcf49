// The /v1/prices routes: create, retrieve, update, list, search.
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
} from '../core/params.js';
import { searchTable, type SearchField } from '../core/search.js';
import { requestParams } from '../core/request-params.js';
import { claimLookupKey, createPrice } from './catalog.js';
import { prices, type Price } from './price-object.js';

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
