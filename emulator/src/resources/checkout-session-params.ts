// Reading a checkout session's create params: line items per mode, expiry, mode-specific params.
import { createInlinePrice, priceForParam } from '../billing/line-item-prices.js';
import type { Price } from './price-object.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import { optionalArray, optionalHash, optionalInteger, optionalString, type Params } from '../core/params.js';

export interface RequestedLine {
  price: Price;
  quantity: number;
}

const MAX_LINE_ITEMS = 100;
const MAX_RECURRING_ITEMS = 20;

/**
 * `line_items` as Stripe validates them for a mode: each by `price` or `price_data`, with a quantity; one currency;
 * payment mode takes only one-time prices; subscription mode needs at least one recurring price (one-time prices
 * ride along as one-off items on the first invoice) and one billing interval.
 */
export function parseLineItems(
  context: EmulatorContext,
  params: Params,
  mode: 'payment' | 'subscription' | 'setup',
  now: number,
): RequestedLine[] {
  const raw = optionalArray(params, 'line_items');
  if (mode === 'setup') {
    if (raw && raw.length > 0)
      throw invalidRequest('You cannot pass `line_items` in `setup` mode.', 'line_items');
    return [];
  }
  if (!raw || raw.length === 0) throw missingParam('line_items');
  if (raw.length > MAX_LINE_ITEMS) {
    throw invalidRequest(`You may only specify up to ${MAX_LINE_ITEMS} line items.`, 'line_items');
  }
  const lines = raw.map((entry, index): RequestedLine => {
    const param = `line_items[${index}]`;
    if (typeof entry !== 'object' || entry === null) throw invalidRequest(`Invalid hash: ${param}`, param);
    const item = entry as Params;
    const priceId = optionalString(item, 'price');
    const priceData = optionalHash(item, 'price_data');
    if (priceId && priceData) {
      throw invalidRequest(
        'You may only specify one of these parameters: price, price_data.',
        `${param}[price]`,
      );
    }
    let price: Price;
    if (priceId) price = priceForParam(context, priceId, `${param}[price]`);
    else if (priceData) price = createInlinePrice(context, priceData, `${param}[price_data]`, now);
    else throw invalidRequest(`You must specify either \`price\` or \`price_data\` in ${param}.`, param);
    const quantity = optionalInteger(item, 'quantity');
    if (quantity === undefined || quantity === null) throw missingParam(`${param}[quantity]`);
    if (quantity < 1 || quantity > 999_999) {
      throw invalidRequest('Quantity must be between 1 and 999999.', `${param}[quantity]`);
    }
    if (mode === 'payment' && price.type === 'recurring') {
      throw invalidRequest(
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        `${param}[price]`,
      );
    }
    return { price, quantity };
  });
  const currencies = new Set(lines.map((line) => line.price.currency));
  if (currencies.size > 1) {
    throw invalidRequest('All line items in a Checkout Session must have the same currency.', 'line_items');
  }
  if (mode === 'subscription') {
    const recurring = lines.filter((line) => line.price.recurring);
    if (recurring.length === 0) {
      throw invalidRequest(
        'You must provide at least one recurring price in `subscription` mode when using prices.',
        'line_items',
      );
    }
    if (recurring.length > MAX_RECURRING_ITEMS) {
      throw invalidRequest(
        `A subscription can have at most ${MAX_RECURRING_ITEMS} recurring line items.`,
        'line_items',
      );
    }
    const intervals = new Set(
      recurring.map((line) => `${line.price.recurring?.interval}/${line.price.recurring?.interval_count}`),
    );
    if (intervals.size > 1) {
      throw invalidRequest(
        'Checkout does not support multiple prices with different billing intervals.',
        'line_items',
      );
    }
  }
  return lines;
}

/** `expires_at`: 30 minutes to 24 hours after creation, default 24 hours. */
export function parseExpiresAt(params: Params, now: number): number {
  const expiresAt = optionalInteger(params, 'expires_at');
  if (expiresAt === undefined || expiresAt === null) return now + 24 * 3600;
  if (expiresAt < now + 30 * 60) {
    throw invalidRequest(
      'The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.',
      'expires_at',
    );
  }
  if (expiresAt > now + 24 * 3600) {
    throw invalidRequest(
      'The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.',
      'expires_at',
    );
  }
  return expiresAt;
}

/** Params only allowed in one mode answer Stripe's 400 when sent in another. */
export function rejectParamsForMode(params: Params, mode: string): void {
  const onlyIn: Record<string, string> = {
    subscription_data: 'subscription',
    payment_intent_data: 'payment',
    customer_creation: 'payment',
    setup_intent_data: 'setup',
  };
  for (const [name, allowedMode] of Object.entries(onlyIn)) {
    if (params[name] !== undefined && params[name] !== '' && mode !== allowedMode) {
      throw invalidRequest(`You can not pass \`${name}\` in \`${mode}\` mode.`, name);
    }
  }
  if (optionalString(params, 'customer') && optionalString(params, 'customer_email')) {
    throw invalidRequest(
      'You may only specify one of these parameters: customer, customer_email.',
      'customer_email',
    );
  }
}
