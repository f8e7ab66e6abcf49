// The product object: its type, its table, and building one from create params.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { newId } from '../core/ids.js';
import {
  applyMetadata,
  optionalArray,
  optionalBoolean,
  optionalHash,
  optionalString,
  optionalStringArray,
  requiredString,
  type Params,
} from '../core/params.js';
import type { StripeObject } from '../core/store.js';

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

export function products(context: EmulatorContext) {
  return context.state.table<Product>('product');
}

/**
 * Validates create params (also `product_data` of a price and the seed catalog) and stores the product, without
 * its default price and without events: the caller emits `product.created` in its own order.
 */
export function insertProduct(context: EmulatorContext, params: Params, paramPrefix = ''): Product {
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
  return product;
}

/** The optional fields create and update share; an empty string unsets a field, as on Stripe. */
export function applyProductFields(product: Product, params: Params): void {
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
  return { name: requiredString(value as Params, 'name') };
}

function packageDimensions(hash: Params): NonNullable<Product['package_dimensions']> {
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
