// The /v1/products routes: create, retrieve, update, delete, list, search.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { previousAttributes } from '../core/events.js';
import { matchesCreated, paginate } from '../core/list.js';
import { applyMetadata, optionalBoolean, optionalString, optionalStringArray } from '../core/params.js';
import { searchTable, type SearchField } from '../core/search.js';
import { sideData, type StripeObject } from '../core/store.js';
import { requestParams } from '../core/request-params.js';
import { createProduct } from './catalog.js';
import { prices } from './price-object.js';
import { applyProductFields, products, type Product } from './product-object.js';

/** What `/v1/products/search` queries can name (metadata is always searchable). */
const SEARCHABLE_FIELDS: Record<string, SearchField<Product>> = {
  active: (row) => row.active,
  created: (row) => row.created,
  description: (row) => row.description,
  name: (row) => row.name,
  shippable: (row) => row.shippable,
  url: (row) => row.url,
};

/** Tombstones of deleted products, which retrieve still answers (`deleted: true`). */
const deletedProducts = sideData('deleted_products', () => new Map<string, StripeObject>());

export function registerProductRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('prod', 'product');
  const table = products(context);
  const deleted = deletedProducts(context);

  app.post('/v1/products', async (request) => {
    const params = requestParams(request);
    return createProduct(context, params);
  });

  app.get<{ Params: { id: string } }>('/v1/products/:id', async (request) => {
    return deleted.get(request.params.id) ?? table.get(request.params.id);
  });

  app.post<{ Params: { id: string } }>('/v1/products/:id', async (request) => {
    const params = requestParams(request);
    const product = table.get(request.params.id);
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
