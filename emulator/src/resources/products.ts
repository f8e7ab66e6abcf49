import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { previousAttributes } from '../core/events.js';
import { newId } from '../core/ids.js';
import { matchesCreated, paginate } from '../core/list.js';
import {
  applyMetadata,
  optionalArray,
  optionalBoolean,
  optionalHash,
  optionalString,
  optionalStringArray,
  rejectUnknownHashKeys,
  rejectUnknownParams,
  requiredString,
  type Params,
} from '../core/params.js';
import { searchTable, type SearchField } from '../core/search.js';
import type { StripeObject } from '../core/store.js';
import { requestParams } from '../core/request-params.js';
import { createPrice, prices } from './prices.js';

export interface Product extends StripeObject {
  object: 'product';
  active: boolean;
  created: number;
  default_price: string | null;
  description: string | null;
  images: string[];
  marketing_features: Array<{ name: string }>;
  metadata: Record<string, string>;
  name: string;
  package_dimensions: { height: number; length: number; weight: number; width: number } | null;
  shippable: boolean | null;
  statement_descriptor: string | null;
  tax_code: string | null;
  type: 'good' | 'service';
  unit_label: string | null;
  updated: number;
  url: string | null;
}

const SHARED_PARAMS = [
  'active',
  'description',
  'images',
  'marketing_features',
  'metadata',
  'name',
  'package_dimensions',
  'shippable',
  'statement_descriptor',
  'tax_code',
  'tax_details',
  'unit_label',
  'url',
];
const CREATE_PARAMS = [...SHARED_PARAMS, 'id', 'default_price_data', 'type'];
const UPDATE_PARAMS = [...SHARED_PARAMS, 'default_price'];

export function products(context: EmulatorContext) {
  return context.state.table<Product>('product');
}

/**
 * Creates a product from create params (also `product_data` of a price and the seed catalog), with its
 * `default_price_data` price. Emits `product.created`, then `price.created` for the default price.
 */
export function createProduct(context: EmulatorContext, params: Params, paramPrefix = ''): Product {
  const table = products(context);
  const now = context.clock.now();
  const idParam = paramPrefix ? `${paramPrefix}[id]` : 'id';
  const id = optionalString(params, 'id') ?? newId('prod', 14);
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(id)) throw invalidRequest(`Invalid id: ${id}`, idParam);
  if (table.find(id)) throw invalidRequest('Product already exists.', idParam, 'resource_already_exists');
  const product: Product = {
    id,
    object: 'product',
    active: optionalBoolean(params, 'active') ?? true,
    created: now,
    default_price: null,
    description: null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: applyMetadata({}, params),
    name: requiredString(params, 'name'),
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    type: optionalString(params, 'type') === 'good' ? 'good' : 'service',
    unit_label: null,
    updated: now,
    url: null,
  };
  applyProductFields(product, params);
  table.insert(product);
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

/** What `/v1/products/search` queries can name (metadata is always searchable). */
const SEARCHABLE_FIELDS: Record<string, SearchField<Product>> = {
  active: (row) => row.active,
  created: (row) => row.created,
  description: (row) => row.description,
  name: (row) => row.name,
  shippable: (row) => row.shippable,
  url: (row) => row.url,
};

export function registerProductRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('prod', 'product');
  const table = products(context);
  const deleted = new Map<string, StripeObject>();
  context.state.onReset(() => deleted.clear());

  app.post('/v1/products', async (request) => {
    const params = requestParams(request);
    rejectUnknownParams(params, CREATE_PARAMS);
    return createProduct(context, params);
  });

  app.get<{ Params: { id: string } }>('/v1/products/:id', async (request) => {
    return deleted.get(request.params.id) ?? table.get(request.params.id);
  });

  app.post<{ Params: { id: string } }>('/v1/products/:id', async (request) => {
    const params = requestParams(request);
    const product = table.get(request.params.id);
    rejectUnknownParams(params, UPDATE_PARAMS);
    const before = structuredClone(product);
    const name = optionalString(params, 'name');
    if (name === null) throw invalidRequest('You cannot unset the name of a product.', 'name');
    if (name !== undefined) product.name = name;
    const active = optionalBoolean(params, 'active');
    if (active !== undefined) product.active = active;
    const defaultPrice = optionalString(params, 'default_price');
    if (defaultPrice) {
      const price = prices(context).find(defaultPrice);
      if (!price || price.product !== product.id) {
        throw invalidRequest(`No such price: '${defaultPrice}' on product '${product.id}'.`, 'default_price');
      }
      if (!price.active) throw invalidRequest('The default price must be active.', 'default_price');
    }
    if (defaultPrice !== undefined) product.default_price = defaultPrice;
    applyProductFields(product, params);
    product.metadata = applyMetadata(product.metadata, params);
    const changed = previousAttributes(before, product);
    if (Object.keys(changed).length > 0) {
      changed.updated = before.updated;
      product.updated = context.clock.now();
      context.events.emit('product.updated', product, { previousAttributes: changed });
    }
    return product;
  });

  app.delete<{ Params: { id: string } }>('/v1/products/:id', async (request) => {
    const product = table.get(request.params.id);
    if (prices(context).list((price) => price.product === product.id).length > 0) {
      throw invalidRequest('This product cannot be deleted because it has one or more user-created prices.');
    }
    table.delete(product.id);
    const tombstone = { id: product.id, object: 'product', deleted: true };
    deleted.set(product.id, tombstone);
    context.events.emit('product.deleted', product);
    return tombstone;
  });

  app.get('/v1/products', async (request) => {
    const params = requestParams(request);
    const active = optionalBoolean(params, 'active');
    const shippable = optionalBoolean(params, 'shippable');
    const url = optionalString(params, 'url');
    const type = optionalString(params, 'type');
    const ids = optionalStringArray(params, 'ids');
    const rows = table.list(
      (row) =>
        (active === undefined || row.active === active) &&
        (shippable === undefined || row.shippable === shippable) &&
        (url === undefined || row.url === url) &&
        (type === undefined || row.type === type) &&
        (ids === undefined || ids.includes(row.id)) &&
        matchesCreated(row.created, params),
    );
    return paginate(rows, params, '/v1/products');
  });

  app.get('/v1/products/search', async (request) =>
    searchTable(table, requestParams(request), SEARCHABLE_FIELDS, '/v1/products/search'),
  );
}

/** The optional fields create and update share; an empty string unsets a field, as on Stripe. */
function applyProductFields(product: Product, params: Params): void {
  for (const field of ['description', 'statement_descriptor', 'tax_code', 'unit_label', 'url'] as const) {
    const value = optionalString(params, field);
    if (value !== undefined) product[field] = value;
  }
  if (product.statement_descriptor && product.statement_descriptor.length > 22) {
    throw invalidRequest('statement_descriptor must be at most 22 characters.', 'statement_descriptor');
  }
  const shippable = optionalBoolean(params, 'shippable');
  if (shippable !== undefined) product.shippable = shippable;
  const images = optionalStringArray(params, 'images');
  if (images !== undefined) product.images = images;
  else if (params.images === '') product.images = [];
  const features = optionalArray(params, 'marketing_features');
  if (features !== undefined) product.marketing_features = features.map(marketingFeature);
  else if (params.marketing_features === '') product.marketing_features = [];
  const dimensions = optionalHash(params, 'package_dimensions');
  if (dimensions === null) product.package_dimensions = null;
  if (dimensions) product.package_dimensions = packageDimensions(dimensions);
}

function marketingFeature(value: unknown, index: number): { name: string } {
  const param = `marketing_features[${index}]`;
  if (typeof value !== 'object' || value === null) throw invalidRequest(`Invalid hash: ${param}`, param);
  rejectUnknownHashKeys(value as Params, param, ['name']);
  return { name: requiredString(value as Params, 'name') };
}

function packageDimensions(hash: Params): NonNullable<Product['package_dimensions']> {
  rejectUnknownHashKeys(hash, 'package_dimensions', ['height', 'length', 'weight', 'width']);
  const read = (key: string): number => {
    const number = Number(hash[key]);
    if (hash[key] === undefined || !Number.isFinite(number) || number <= 0) {
      throw invalidRequest(
        `Invalid package_dimensions[${key}]: must be a positive number.`,
        `package_dimensions[${key}]`,
      );
    }
    return number;
  };
  return { height: read('height'), length: read('length'), weight: read('weight'), width: read('width') };
}
