// Billing period arithmetic: intervals added from the cycle anchor, the period around a moment, prorated shares.
import type { Recurring } from '../resources/price-params.js';

/**
 * Billing period arithmetic as Stripe does it: periods are counted from the billing cycle anchor, so a monthly
 * subscription anchored on January 31 renews on February 28 (29), March 31, April 30 … — the anchor's day of
 * month is kept where it exists and clamped to the month's last day where it does not. Times of day are kept (UTC).
 */
export function addIntervals(
  anchor: number,
  recurring: Pick<Recurring, 'interval' | 'interval_count'>,
  count: number,
): number {
  const steps = recurring.interval_count * count;
  switch (recurring.interval) {
    case 'day':
      return anchor + steps * 86_400;
    case 'week':
      return anchor + steps * 7 * 86_400;
    case 'month':
      return addMonths(anchor, steps);
    case 'year':
      return addMonths(anchor, steps * 12);
  }
}

function addMonths(anchor: number, months: number): number {
  const date = new Date(anchor * 1000);
  const day = date.getUTCDate();
  const target = new Date(
    Date.UTC(
      date.getUTCFullYear(),
      date.getUTCMonth() + months,
      1,
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
    ),
  );
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return Math.floor(target.getTime() / 1000);
}

/** The period containing `moment` for a subscription anchored at `anchor`: [start, end) and its index. */
export function periodAround(
  anchor: number,
  recurring: Pick<Recurring, 'interval' | 'interval_count'>,
  moment: number,
): { start: number; end: number; index: number } {
  let index = 0;
  // Jump close first for long-running clocks, then walk.
  while (addIntervals(anchor, recurring, index + 1) <= moment) index += 1;
  return {
    start: addIntervals(anchor, recurring, index),
    end: addIntervals(anchor, recurring, index + 1),
    index,
  };
}

/** Stripe's proration factor: the share of the period [start, end) left after `moment`, to the second. */
export function remainingShare(start: number, end: number, moment: number): number {
  if (end <= start) return 0;
  return Math.min(1, Math.max(0, (end - moment) / (end - start)));
}
