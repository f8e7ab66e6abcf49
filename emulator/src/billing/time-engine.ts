// The time engine: runs what falls due (renewals, retries, expiries, notices) when a clock moves.
import type { EmulatorContext } from '../core/context.js';
import { runOutsideRequest } from '../core/request-context.js';
import { sideData } from '../core/store.js';
import { expireCheckoutSession, notifyAsyncPaymentSettled } from './checkout-completion.js';
import { checkoutSessions, settingsOf } from './checkout-sessions.js';
import {
  attemptInvoicePayment,
  finalizeAndCollect,
  syncInvoiceWithPaymentIntent,
  voidInvoice,
} from './invoice-collection.js';
import { invoices } from './invoices.js';
import { BANK_DEBIT_SETTLE_SECONDS, paymentIntents, settleProcessingPayment } from './payment-intents.js';
import {
  cancelSubscription,
  renewSubscription,
  TRIAL_WILL_END_NOTICE_SECONDS,
  updateSubscription,
} from './subscription-lifecycle.js';
import { behaviourOf } from './payment-methods.js';
import { subscriptions } from './subscriptions.js';
import { atMoment, clockOfCustomer, emitOn, type ClockId } from './time.js';
import { upcomingRenewalNotice } from './upcoming-renewal.js';

/** Seconds an `incomplete` subscription waits for its first payment before it expires (Stripe: 23 hours). */
const INCOMPLETE_EXPIRY_SECONDS = 23 * 3600;
/** A guard against a runaway loop (a daily subscription over decades). */
const MAX_STEPS_PER_ADVANCE = 50_000;

interface DueWork {
  at: number;
  /** Tie-break at the same second: cancellations before renewals, renewals before collections. */
  rank: number;
  run: () => void;
}

/** Subscriptions whose `customer.subscription.trial_will_end` went out: the notice goes once per subscription. */
const noticesSent = sideData('trial_end_notices', () => new Set<string>());

/**
 * The time engine: runs, in time order, every piece of work due on one clock up to `until` — trial notices and ends,
 * renewals, draft finalization, payment retries and dunning outcomes, period-end cancellations, bank debit
 * settlement, checkout session expiry. Each runs with "now" pinned to its due moment.
 */
export function processDueWork(context: EmulatorContext, clock: ClockId, until: number): number {
  let steps = 0;
  for (;;) {
    const next = earliestDue(context, clock, until);
    if (!next) return steps;
    atMoment(context, clock, next.at, next.run);
    steps += 1;
    if (steps >= MAX_STEPS_PER_ADVANCE) {
      context.logger.warn({ clock, steps }, 'time engine stopped: too much work in one advance');
      return steps;
    }
  }
}

/** Moves the global clock to `target` and processes everything due on it. */
export function advanceGlobalClock(context: EmulatorContext, target: number): void {
  const seconds = target - context.clock.now();
  if (seconds > 0) context.clock.advance(seconds);
  processDueWork(context, null, context.clock.now());
}

const lastCatchUp = new WeakMap<EmulatorContext, number>();

/** Wall time moves the global clock too: work that became due since the last request runs before the next one. */
export function catchUpGlobalClock(context: EmulatorContext): void {
  const now = context.clock.now();
  if (lastCatchUp.get(context) === now) return;
  lastCatchUp.set(context, now);
  runOutsideRequest(() => processDueWork(context, null, now));
}

function earliestDue(context: EmulatorContext, clock: ClockId, until: number): DueWork | undefined {
  let best: DueWork | undefined;
  const consider = (at: number | null | undefined, rank: number, run: () => void) => {
    if (at === null || at === undefined || at > until) return;
    if (!best || at < best.at || (at === best.at && rank < best.rank)) best = { at, rank, run };
  };

  for (const subscription of subscriptions(context).list((row) => row.test_clock === clock)) {
    const status = subscription.status;
    if (status === 'canceled' || status === 'incomplete_expired') continue;
    if (subscription.cancel_at !== null) {
      consider(subscription.cancel_at, 0, () =>
        cancelSubscription(context, subscription, clock, 'cancellation_requested'),
      );
    }
    if (status === 'incomplete') {
      consider(subscription.created + INCOMPLETE_EXPIRY_SECONDS, 1, () => {
        updateSubscription(context, subscription, clock, () => {
          subscription.status = 'incomplete_expired';
        });
        const invoice = subscription.latest_invoice
          ? invoices(context).find(subscription.latest_invoice)
          : undefined;
        if (invoice?.status === 'open') voidInvoice(context, invoice, clock);
      });
      continue;
    }
    if (status === 'paused') continue;
    if (
      status === 'trialing' &&
      subscription.trial_end !== null &&
      !noticesSent(context).has(subscription.id)
    ) {
      const noticeAt = Math.max(subscription.created, subscription.trial_end - TRIAL_WILL_END_NOTICE_SECONDS);
      consider(noticeAt, 1, () => {
        noticesSent(context).add(subscription.id);
        emitOn(context, clock, 'customer.subscription.trial_will_end', subscription);
      });
    }
    const upcoming = upcomingRenewalNotice(context, subscription, clock);
    if (upcoming) consider(upcoming.at, 1, upcoming.run);
    const periodEnd = subscription.items.data[0]?.current_period_end;
    consider(periodEnd, 2, () => renewSubscription(context, subscription, clock));
  }

  for (const invoice of invoices(context).list((row) => row.test_clock === clock)) {
    if (invoice.status === 'draft' && invoice.automatically_finalizes_at !== null) {
      consider(invoice.automatically_finalizes_at, 3, () => finalizeAndCollect(context, invoice, clock));
    } else if (invoice.status === 'open' && invoice.next_payment_attempt !== null) {
      consider(invoice.next_payment_attempt, 3, () =>
        attemptInvoicePayment(context, invoice, clock, { automatic: true }),
      );
    }
  }

  for (const paymentIntent of paymentIntents(context).list((row) => row.status === 'processing')) {
    if (clockOfCustomer(context, paymentIntent.customer) !== clock) continue;
    const settleAfter = paymentIntent.payment_method
      ? behaviourOf(context, paymentIntent.payment_method).settleAfterSeconds
      : undefined;
    consider(paymentIntent.created + (settleAfter ?? BANK_DEBIT_SETTLE_SECONDS), 4, () => {
      settleProcessingPayment(context, paymentIntent, clock);
      syncInvoiceWithPaymentIntent(context, paymentIntent, clock);
      notifyAsyncPaymentSettled(context, paymentIntent, clock);
    });
  }

  for (const session of checkoutSessions(context).list((row) => row.status === 'open')) {
    if (settingsOf(context, session.id).clock !== clock) continue;
    consider(session.expires_at, 5, () => expireCheckoutSession(context, session));
  }
  return best;
}
