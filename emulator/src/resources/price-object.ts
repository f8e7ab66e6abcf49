import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import { newId } from '../core/ids.js';
import {
  applyMetadata,
  optionalBoolean,
  optionalEnum,
  optionalHash,
  optionalInteger,
  optionalString,
  rejectUnknownHashKeys,
  rejectUnknownParams,
  requiredString,
  type Params,
} from '../core/params.js';
import type { StripeObject } from '../core/store.js';
import { createProduct, products } from './products.js';

export interface Price extends StripeObject {
  object: 'price';
  active: boolean;
  billing_scheme: 'per_unit';
  created: number;
  currency: string;
  custom_unit_amount: { maximum: number | null; minimum: number | null; preset: number | null } | null;
  lookup_key: string | null;
  metadata: Record<string, string>;
  nickname: string | null;
  product: string;
  recurring: {
    interval: 'day' | 'week' | 'month' | 'year';
    interval_count: number;
    meter: string | null;
    trial_period_days: number | null;
    usage_type: 'licensed' | 'metered';
  } | null;
  tax_behavior: 'inclusive' | 'exclusive' | 'unspecified';
  tiers_mode: null;
  transform_quantity: { divide_by: number; round: 'up' | 'down' } | null;
  type: 'one_time' | 'recurring';
  unit_amount: number | null;
  unit_amount_decimal: string | null;
}

const CREATE_PARAMS = [
  'active',
  'billing_scheme',
  'currency',
  'currency_options',
  'custom_unit_amount',
  'lookup_key',
  'metadata',
  'nickname',
  'product',
  'product_data',
  'recurring',
  'tax_behavior',
  'tiers',
  'tiers_mode',
  'transfer_lookup_key',
  'transform_quantity',
  'unit_amount',
  'unit_amount_decimal',
];
/** What `default_price_data` takes (the product is the one being created). */
const DEFAULT_PRICE_DATA_PARAMS = [
  'currency',
  'currency_options',
  'custom_unit_amount',
  'metadata',
  'product',
  'recurring',
  'tax_behavior',
  'unit_amount',
  'unit_amount_decimal',
];
const INTERVAL_LIMITS = { day: 1095, week: 156, month: 36, year: 3 } as const;

/** Validates create params and builds the price (creating `product_data`'s product on the way). */
export function createPriceObject(context: EmulatorContext, params: Params, prefix: string): Price {
  rejectUnknownParams(params, prefix ? DEFAULT_PRICE_DATA_PARAMS : CREATE_PARAMS);
  const param = (name: string) => (prefix ? `${prefix}[${name}]` : name);
  const currency = requiredString(params, 'currency').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalidRequest(`Invalid currency: ${currency}`, param('currency'));
  if ((optionalString(params, 'billing_scheme') ?? 'per_unit') !== 'per_unit') {
    throw invalidRequest(
      'The emulator supports only billing_scheme=per_unit prices.',
      param('billing_scheme'),
    );
  }
  const recurring = recurringFrom(optionalHash(params, 'recurring'), param('recurring'));
  const customUnitAmount = customAmountFrom(
    optionalHash(params, 'custom_unit_amount'),
    param('custom_unit_amount'),
  );
  if (customUnitAmount && recurring) {
    throw invalidRequest(
      'custom_unit_amount is only supported for one-time prices.',
      param('custom_unit_amount'),
    );
  }
  const { unitAmount, unitAmountDecimal } = amountFrom(params, param, customUnitAmount !== null);
  const transform = optionalHash(params, 'transform_quantity');
  const price: Price = {
    id: newId('price', 24),
    object: 'price',
    active: optionalBoolean(params, 'active') ?? true,
    billing_scheme: 'per_unit',
    created: context.clock.now(),
    currency,
    custom_unit_amount: customUnitAmount,
    livemode: false,
    lookup_key: optionalString(params, 'lookup_key') ?? null,
    metadata: applyMetadata({}, params),
    nickname: optionalString(params, 'nickname') ?? null,
    product: productFor(context, params, param),
    recurring,
    tax_behavior:
      optionalEnum(params, 'tax_behavior', ['inclusive', 'exclusive', 'unspecified'] as const) ??
      'unspecified',
    tiers_mode: null,
    transform_quantity: transform
      ? {
          divide_by: positive(
            optionalInteger(transform, 'divide_by'),
            param('transform_quantity[divide_by]'),
          ),
          round: optionalEnum(transform, 'round', ['up', 'down'] as const) ?? 'down',
        }
      : null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: unitAmountDecimal,
  };
  return price;
}

function productFor(context: EmulatorContext, params: Params, param: (name: string) => string): string {
  const productId = optionalString(params, 'product');
  const productData = optionalHash(params, 'product_data');
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
  rejectUnknownHashKeys(productData, param('product_data'), [
    'id',
    'name',
    'active',
    'metadata',
    'statement_descriptor',
    'tax_code',
    'unit_label',
  ]);
  return createProduct(context, productData, param('product_data')).id;
}

function recurringFrom(hash: Params | null | undefined, param: string): Price['recurring'] {
  if (!hash) return null;
  rejectUnknownHashKeys(hash, param, [
    'interval',
    'interval_count',
    'usage_type',
    'meter',
    'trial_period_days',
  ]);
  const interval = optionalString(hash, 'interval');
  if (!interval) throw missingParam(`${param}[interval]`);
  if (!isInterval(interval)) {
    throw invalidRequest(
      `Invalid ${param}[interval]: must be one of day, week, month or year`,
      `${param}[interval]`,
    );
  }
  const intervalCount = positive(optionalInteger(hash, 'interval_count') ?? 1, `${param}[interval_count]`);
  if (intervalCount > INTERVAL_LIMITS[interval]) {
    throw invalidRequest(
      'The maximum billing interval is three years (1095 days, 156 weeks, 36 months or 3 years).',
      `${param}[interval_count]`,
    );
  }
  return {
    interval,
    interval_count: intervalCount,
    meter: optionalString(hash, 'meter') ?? null,
    trial_period_days: optionalInteger(hash, 'trial_period_days') ?? null,
    usage_type: usageType(hash, param),
  };
}

function customAmountFrom(hash: Params | null | undefined, param: string): Price['custom_unit_amount'] {
  if (!hash) return null;
  rejectUnknownHashKeys(hash, param, ['enabled', 'maximum', 'minimum', 'preset']);
  if (optionalBoolean(hash, 'enabled') !== true) throw missingParam(`${param}[enabled]`);
  return {
    maximum: optionalInteger(hash, 'maximum') ?? null,
    minimum: optionalInteger(hash, 'minimum') ?? null,
    preset: optionalInteger(hash, 'preset') ?? null,
  };
}

/** `unit_amount` (integer) or `unit_amount_decimal` (up to 12 decimals); a fractional decimal leaves unit_amount null. */
function amountFrom(
  params: Params,
  param: (name: string) => string,
  customAmount: boolean,
): { unitAmount: number | null; unitAmountDecimal: string | null } {
  const unitAmount = optionalInteger(params, 'unit_amount');
  const decimal = optionalString(params, 'unit_amount_decimal');
  if (unitAmount !== undefined && unitAmount !== null && decimal) {
    throw invalidRequest(
      'You may only specify one of these parameters: unit_amount, unit_amount_decimal.',
      param('unit_amount'),
    );
  }
  if (unitAmount !== undefined && unitAmount !== null) {
    if (unitAmount < 0)
      throw invalidRequest('Invalid unit_amount: must be at least 0.', param('unit_amount'));
    return { unitAmount, unitAmountDecimal: String(unitAmount) };
  }
  if (decimal) {
    if (!isDecimal(decimal)) {
      throw invalidRequest(`Invalid decimal: ${decimal}`, param('unit_amount_decimal'));
    }
    const value = Number(decimal);
    const normalized = decimal.includes('.') ? decimal.replace(/0+$/, '').replace(/\.$/, '') : decimal;
    return { unitAmount: Number.isInteger(value) ? value : null, unitAmountDecimal: normalized };
  }
  if (customAmount) return { unitAmount: null, unitAmountDecimal: null };
  throw missingParam(param('unit_amount'));
}

function positive(value: number | null | undefined, param: string): number {
  if (value === null || value === undefined || value < 1) {
    throw invalidRequest(`Invalid ${param}: must be a positive integer.`, param);
  }
  return value;
}

/** Digits with at most 12 decimal places. */
function isDecimal(text: string): boolean {
  const [whole = '', fraction, extra] = text.split('.');
  return (
    extra === undefined &&
    /^\d+$/.test(whole) &&
    (fraction === undefined || (fraction.length >= 1 && fraction.length <= 12 && /^\d+$/.test(fraction)))
  );
}

function isInterval(value: string): value is keyof typeof INTERVAL_LIMITS {
  return value in INTERVAL_LIMITS;
}

function usageType(hash: Params, param: string): 'licensed' | 'metered' {
  const value = optionalString(hash, 'usage_type') ?? 'licensed';
  if (value !== 'licensed' && value !== 'metered') {
    throw invalidRequest(`Invalid ${param}[usage_type]: must be licensed or metered`, `${param}[usage_type]`);
  }
  return value;
}
