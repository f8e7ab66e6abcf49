// Reading a subscription's item params: prices, item changes, proration behaviour, trial end.
import { createInlinePrice, priceForParam } from '../billing/line-item-prices.js';
import type { Price } from './price-object.js';
import type { ItemChange, ProrationBehavior } from '../billing/subscription-changes.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import {
  optionalArray,
  optionalBoolean,
  optionalEnum,
  optionalHash,
  optionalInteger,
  optionalString,
  type Params,
} from '../core/params.js';

/** `price` or `price_data` of one item; recurring prices only where `recurringOnly`. */
export function priceOfItem(
  context: EmulatorContext,
  item: Params,
  param: string,
  now: number,
  recurringOnly: boolean,
): Price | undefined {
  const priceId = optionalString(item, 'price') ?? optionalString(item, 'plan');
  const priceData = optionalHash(item, 'price_data');
  let price: Price | undefined;
  if (priceId) price = priceForParam(context, priceId, `${param}[price]`);
  else if (priceData) price = createInlinePrice(context, priceData, `${param}[price_data]`, now);
  if (price && recurringOnly && !price.recurring) {
    throw invalidRequest(
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
      `${param}[price]`,
    );
  }
  return price;
}

export function parseItemChanges(
  context: EmulatorContext,
  params: Params,
  now: number,
): ItemChange[] | undefined {
  const raw = optionalArray(params, 'items');
  if (!raw) return undefined;
  return raw.map((entry, index) => {
    const param = `items[${index}]`;
    if (typeof entry !== 'object' || entry === null) throw invalidRequest(`Invalid hash: ${param}`, param);
    const item = entry as Params;
    const price = priceOfItem(context, item, param, now, true);
    const quantity = optionalInteger(item, 'quantity') ?? undefined;
    if (quantity !== undefined && quantity < 0)
      throw invalidRequest('Invalid quantity.', `${param}[quantity]`);
    const metadata = optionalHash(item, 'metadata');
    return {
      ...(optionalString(item, 'id') ? { id: optionalString(item, 'id') as string } : {}),
      ...(price ? { price } : {}),
      ...(quantity !== undefined ? { quantity } : {}),
      ...(optionalBoolean(item, 'deleted') ? { deleted: true } : {}),
      ...(metadata ? { metadata: metadata as Record<string, string> } : {}),
    };
  });
}

export function parseProrationBehavior(params: Params): ProrationBehavior {
  return (
    optionalEnum(params, 'proration_behavior', ['create_prorations', 'none', 'always_invoice'] as const) ??
    'create_prorations'
  );
}

/** `trial_end`: a timestamp in the future, or `now`. */
export function parseTrialEnd(params: Params, now: number): number | 'now' | undefined {
  const value = params.trial_end;
  if (value === undefined || value === '') return undefined;
  if (value === 'now') return 'now';
  const timestamp = optionalInteger(params, 'trial_end');
  if (timestamp === undefined || timestamp === null) return undefined;
  if (timestamp <= now)
    throw invalidRequest('Invalid timestamp: must be an integer Unix timestamp in the future.', 'trial_end');
  return timestamp;
}
