// The price object: its type, its table, and building one from create params.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import { newId } from '../core/ids.js';
import * as read from '../core/params.js';
import { applyMetadata, type Params } from '../core/params.js';
import type { StripeObject } from '../core/store.js';
import {
  amountFrom,
  customAmountFrom,
  positive,
  recurringFrom,
  type CustomUnitAmount,
  type Recurring,
} from './price-params.js';
import { insertProduct, products } from './product-object.js';
import { meters } from '../billing/meters.js';

export interface Price extends StripeObject {
  object: 'price';
  active: boolean;
  billing_scheme: 'per_unit';
  created: number;
  currency: string;
  custom_unit_amount: CustomUnitAmount | null;
  lookup_key: string | null;
  metadata: Record<string, string>;
  nickname: string | null;
  product: string;
  recurring: Recurring | null;
  tax_behavior: 'inclusive' | 'exclusive' | 'unspecified';
  tiers_mode: null;
  transform_quantity: { divide_by: number; round: 'up' | 'down' } | null;
  type: 'one_time' | 'recurring';
  unit_amount: number | null;
  unit_amount_decimal: string | null;
}

export function prices(context: EmulatorContext) {
  return context.state.table<Price>('price');
}

/** Validates create params and builds the price (creating `product_data`'s product on the way). */
export function createPriceObject(context: EmulatorContext, params: Params, prefix: string): Price {
  const param = (name: string) => (prefix ? `${prefix}[${name}]` : name);
  const currency = read.requiredString(params, 'currency').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalidRequest(`Invalid currency: ${currency}`, param('currency'));
  if ((read.optionalString(params, 'billing_scheme') ?? 'per_unit') !== 'per_unit') {
    throw invalidRequest(
      'The emulator supports only billing_scheme=per_unit prices.',
      param('billing_scheme'),
    );
  }
  const recurring = recurringFrom(read.optionalHash(params, 'recurring'), param('recurring'));
  if (recurring) assertMeterSetting(context, recurring, param('recurring'));
  const customUnitAmount = customAmountFrom(
    read.optionalHash(params, 'custom_unit_amount'),
    param('custom_unit_amount'),
  );
  if (customUnitAmount && recurring) {
    throw invalidRequest(
      'custom_unit_amount is only supported for one-time prices.',
      param('custom_unit_amount'),
    );
  }
  const { unitAmount, unitAmountDecimal } = amountFrom(params, param, customUnitAmount !== null);
  const transform = read.optionalHash(params, 'transform_quantity');
  const price: Price = {
    id: newId('price', 24),
    object: 'price',
    active: read.optionalBoolean(params, 'active') ?? true,
    billing_scheme: 'per_unit',
    created: context.clock.now(),
    currency,
    custom_unit_amount: customUnitAmount,
    livemode: false,
    lookup_key: read.optionalString(params, 'lookup_key') ?? null,
    metadata: applyMetadata({}, params),
    nickname: read.optionalString(params, 'nickname') ?? null,
    product: productFor(context, params, param),
    recurring,
    tax_behavior:
      read.optionalEnum(params, 'tax_behavior', ['inclusive', 'exclusive', 'unspecified'] as const) ??
      'unspecified',
    tiers_mode: null,
    transform_quantity: transform
      ? {
          divide_by: positive(
            read.optionalInteger(transform, 'divide_by'),
            param('transform_quantity[divide_by]'),
          ),
          round: read.optionalEnum(transform, 'round', ['up', 'down'] as const) ?? 'down',
        }
      : null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: unitAmountDecimal,
  };
  return price;
}

/**
 * A metered price is backed by an active meter (`recurring[meter]`, required since usage records went away); a
 * licensed price takes none.
 */
function assertMeterSetting(context: EmulatorContext, recurring: Recurring, param: string): void {
  if (recurring.usage_type === 'licensed') {
    if (recurring.meter !== null) {
      throw invalidRequest(
        `\`${param}[meter]\` can only be set when \`${param}[usage_type]\` is \`metered\`.`,
        `${param}[meter]`,
      );
    }
    return;
  }
  if (recurring.meter === null) {
    throw invalidRequest(
      `Metered prices must be backed by a meter: pass \`${param}[meter]\`.`,
      `${param}[meter]`,
      'parameter_missing',
    );
  }
  const meter = meters(context).find(recurring.meter);
  if (!meter)
    throw invalidRequest(`No such meter: '${recurring.meter}'`, `${param}[meter]`, 'resource_missing');
  if (meter.status !== 'active') {
    throw invalidRequest(`You can't attach a deactivated meter to a price.`, `${param}[meter]`);
  }
}

function productFor(context: EmulatorContext, params: Params, param: (name: string) => string): string {
  const productId = read.optionalString(params, 'product');
  const productData = read.optionalHash(params, 'product_data');
  if (productId && productData) {
    throw invalidRequest(
      'You may only specify one of these parameters: product, product_data.',
      param('product'),
    );
  }
  if (productId) {
    if (!products(context).find(productId)) {
      throw invalidRequest(`No such product: '${productId}'`, param('product'), 'resource_missing');
    }
    return productId;
  }
  if (!productData) throw missingParam(param('product'));
  const product = insertProduct(context, productData, param('product_data'));
  context.events.emit('product.created', product);
  return product.id;
}
