// `invoice.upcoming`, sent the configured number of days before a subscription renews.
import type { EmulatorContext } from '../core/context.js';
import { sideData } from '../core/store.js';
import { previewSubscriptionInvoice } from './invoice-preview.js';
import { billingSettings } from './settings.js';
import type { Subscription } from './subscriptions.js';
import { emitOn, type ClockId } from './time.js';

const sent = sideData('upcoming_renewal_notices', () => new Set<string>());

/**
 * Stripe's `invoice.upcoming`, sent `upcomingRenewalDays` before a subscription renews when the account turned on
 * "Send upcoming renewal events" (off unless set, so existing event sequences do not change). The payload is the
 * preview of the next invoice (no stored invoice exists yet). Nothing is sent for a subscription that will not
 * renew (cancel scheduled, not active or trialing) or whose period is shorter than the notice.
 */
export function upcomingRenewalNotice(
  context: EmulatorContext,
  subscription: Subscription,
  clock: ClockId,
): { at: number; run: () => void } | undefined {
  const days = billingSettings(context).upcomingRenewalDays;
  const item = subscription.items.data[0];
  if (days === null || !item) return undefined;
  if (subscription.status !== 'active' && subscription.status !== 'trialing') return undefined;
  if (subscription.cancel_at_period_end || subscription.cancel_at !== null) return undefined;
  const at = item.current_period_end - days * 86_400;
  const key = `${subscription.id}@${item.current_period_end}`;
  if (at <= item.current_period_start || sent(context).has(key)) return undefined;
  return {
    at,
    run: () => {
      sent(context).add(key);
      const preview = previewSubscriptionInvoice(context, subscription, {
        prorationBehavior: 'create_prorations',
      });
      emitOn(context, clock, 'invoice.upcoming', preview);
    },
  };
}
