// Resolves a checkout's items against the catalog mirror and refuses, naming the item, anything Stripe would
// refuse or we never want to sell: unknown or inactive prices, a price of the wrong kind for the mode, mixed
// currencies or billing intervals, duplicate prices, quantities out of range. Callers never send amounts.
import type { PriceRow } from '../catalog/catalog.service.js';
import { AppError } from '../errors.js';
import type { CheckoutLine } from './checkout.repo.js';

export interface CartItem {
  price?: string | undefined;
  lookup_key?: string | undefined;
  quantity: number;
}

export interface ResolvedCart {
  lines: CheckoutLine[];
  currency: string;
  productIds: string[];
}

type CatalogPrice = PriceRow & { product_active: boolean | null };

function refuse(param: string, reason: string): never {
  throw new AppError('validation_failed', `${param}: ${reason}`, { param });
}

export function resolveCart(
  items: readonly CartItem[],
  mode: 'payment' | 'subscription',
  prices: readonly CatalogPrice[],
  maxQuantity: number,
): ResolvedCart {
  const seen = new Map<string, number>();
  const lines: CheckoutLine[] = [];
  const productIds = new Set<string>();
  let first: CatalogPrice | undefined;
  items.forEach((item, index) => {
    const at = `items[${index}]`;
    if ((item.price === undefined) === (item.lookup_key === undefined)) {
      refuse(at, 'give exactly one of price or lookup_key');
    }
    const field = item.price !== undefined ? `${at}.price` : `${at}.lookup_key`;
    const reference = (item.price ?? item.lookup_key) as string;
    // Several prices can have carried a lookup key over time: the active, newest one wins (rows are so ordered).
    const price = prices.find((candidate) =>
      item.price !== undefined ? candidate.id === item.price : candidate.lookup_key === item.lookup_key,
    );
    if (price === undefined) refuse(field, `no such price "${reference}"`);
    if (!price.active || price.deleted_at !== null) refuse(field, `price "${reference}" is not active`);
    if (price.product_active !== true) refuse(field, `the product of price "${reference}" is not active`);
    if (mode === 'payment' && price.type === 'recurring') {
      refuse(field, `price "${reference}" is recurring; use mode "subscription"`);
    }
    if (mode === 'subscription' && price.type !== 'recurring') {
      refuse(field, `price "${reference}" is one-time; use mode "payment"`);
    }
    if (!Number.isInteger(item.quantity) || item.quantity < 1) refuse(`${at}.quantity`, 'must be at least 1');
    if (item.quantity > maxQuantity) refuse(`${at}.quantity`, `must be at most ${maxQuantity}`);
    const earlier = seen.get(price.id);
    if (earlier !== undefined) {
      refuse(field, `price ${price.id} is already in items[${earlier}]; raise its quantity instead`);
    }
    seen.set(price.id, index);
    if (first === undefined) {
      first = price;
    } else if (price.currency !== first.currency) {
      refuse(field, `currency ${price.currency} differs from ${first.currency} of items[0]`);
    } else if (
      mode === 'subscription' &&
      (price.recurring_interval !== first.recurring_interval ||
        price.recurring_interval_count !== first.recurring_interval_count)
    ) {
      refuse(
        field,
        `billing interval ${price.recurring_interval} differs from ${first.recurring_interval} of items[0]`,
      );
    }
    lines.push({ price: price.id, quantity: item.quantity });
    productIds.add(price.product_id);
  });
  if (first === undefined) refuse('items', 'must contain at least one item');
  lines.sort((left, right) => left.price.localeCompare(right.price));
  return { lines, currency: first.currency, productIds: [...productIds] };
}
