// Reading a price's nested create params: recurring, custom_unit_amount, the amount, transform_quantity.
import { invalidRequest, missingParam } from '../core/errors.js';
import { optionalBoolean, optionalInteger, optionalString, type Params } from '../core/params.js';

/** A recurring price's `recurring` hash. */
export interface Recurring {
  interval: 'day' | 'week' | 'month' | 'year';
  interval_count: number;
  meter: string | null;
  trial_period_days: number | null;
  usage_type: 'licensed' | 'metered';
}

/** A pay-what-you-want price's `custom_unit_amount` hash. */
export interface CustomUnitAmount {
  maximum: number | null;
  minimum: number | null;
  preset: number | null;
}

const INTERVAL_LIMITS = { day: 1095, week: 156, month: 36, year: 3 } as const;

export function recurringFrom(hash: Params | null | undefined, param: string): Recurring | null {
  if (!hash) return null;
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

export function customAmountFrom(hash: Params | null | undefined, param: string): CustomUnitAmount | null {
  if (!hash) return null;
  if (optionalBoolean(hash, 'enabled') !== true) throw missingParam(`${param}[enabled]`);
  return {
    maximum: optionalInteger(hash, 'maximum') ?? null,
    minimum: optionalInteger(hash, 'minimum') ?? null,
    preset: optionalInteger(hash, 'preset') ?? null,
  };
}

/** `unit_amount` (integer) or `unit_amount_decimal` (up to 12 decimals); a fractional decimal leaves unit_amount null. */
export function amountFrom(
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

export function positive(value: number | null | undefined, param: string): number {
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
