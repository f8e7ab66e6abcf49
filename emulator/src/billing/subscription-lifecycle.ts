// A subscription's life after creation: updates, reactions to invoice outcomes, renewal, trial end, cancellation.
import type { EmulatorContext } from '../core/context.js';
import { previousAttributes } from '../core/events.js';
import { customerDefaultPaymentMethod } from './payment-methods.js';
import { createDraftInvoice, type Invoice, type LineDraft } from './invoices.js';
import { usageLines } from './meter-usage.js';
import { periodAround } from './periods.js';
import { takePendingInvoiceItems } from './prorations.js';
import { billingSettings } from './settings.js';
import { currentPeriodLines, subscriptions, type Subscription } from './subscriptions.js';
import { emitOn, nowOn, type ClockId } from './time.js';

/**
 * Runs `change` on a subscription and emits `customer.subscription.updated` with what changed (nothing when nothing
 * did). Returns what `change` returns.
 */
export function updateSubscription<T>(
  context: EmulatorContext,
  subscription: Subscription,
  clock: ClockId,
  change: () => T,
): T {
  const before = structuredClone(subscription);
  const result = change();
  const changed = previousAttributes(before, subscription);
  if (Object.keys(changed).length > 0)
    emitOn(context, clock, 'customer.subscription.updated', subscription, changed);
  return result;
}

function subscriptionOf(context: EmulatorContext, invoice: Invoice): Subscription | undefined {
  const id = invoice.parent?.subscription_details.subscription;
  return id ? subscriptions(context).find(id) : undefined;
}

/** What an invoice is charged with when none is given: its subscription's default, else the customer's. */
export function invoiceDefaultPaymentMethod(context: EmulatorContext, invoice: Invoice): string | null {
  const subscription = subscriptionOf(context, invoice);
  if (subscription?.default_payment_method) return subscription.default_payment_method;
  return customerDefaultPaymentMethod(context, invoice.customer);
}

/** A paid invoice brings an incomplete or delinquent subscription back to `active`. */
export function handleInvoicePaid(context: EmulatorContext, invoice: Invoice, clock: ClockId): void {
  const subscription = subscriptionOf(context, invoice);
  if (!subscription || subscription.latest_invoice !== invoice.id) return;
  if (['incomplete', 'past_due', 'unpaid'].includes(subscription.status)) {
    updateSubscription(context, subscription, clock, () => {
      subscription.status = 'active';
    });
  }
}

/**
 * A failed payment: a renewal makes the subscription `past_due`; after the last retry it becomes what the billing
 * settings say (canceled by default, or unpaid). A failed first invoice leaves it `incomplete`.
 */
export function handleInvoicePaymentFailed(
  context: EmulatorContext,
  invoice: Invoice,
  clock: ClockId,
  finalAttempt: boolean,
): void {
  const subscription = subscriptionOf(context, invoice);
  if (!subscription || invoice.billing_reason === 'subscription_create') return;
  if (subscription.status === 'active' || subscription.status === 'trialing') {
    updateSubscription(context, subscription, clock, () => {
      subscription.status = 'past_due';
    });
  }
  if (!finalAttempt) return;
  const outcome = billingSettings(context).afterFinalFailure;
  if (outcome === 'canceled') cancelSubscription(context, subscription, clock, 'payment_failed');
  else if (outcome === 'unpaid' && subscription.status !== 'unpaid') {
    updateSubscription(context, subscription, clock, () => {
      subscription.status = 'unpaid';
    });
  }
}

/** Ends a subscription now: `canceled`, `ended_at`, `customer.subscription.deleted`. */
export function cancelSubscription(
  context: EmulatorContext,
  subscription: Subscription,
  clock: ClockId,
  reason: string,
): void {
  const now = nowOn(context, clock);
  subscription.status = 'canceled';
  subscription.canceled_at ??= now;
  subscription.ended_at = now;
  subscription.cancel_at_period_end = false;
  subscription.cancellation_details = { ...subscription.cancellation_details, reason };
  emitOn(context, clock, 'customer.subscription.deleted', subscription);
}

/**
 * The end of a period (or of the trial): items move to the next period, the subscription is updated, and a
 * `subscription_cycle` draft invoice is created, to be finalized and charged after the finalization delay.
 */
export function renewSubscription(
  context: EmulatorContext,
  subscription: Subscription,
  clock: ClockId,
): void {
  const now = nowOn(context, clock);
  const first = subscription.items.data[0];
  if (!first?.price.recurring) return;
  const endingTrial = subscription.status === 'trialing';
  const hasPaymentMethod = Boolean(
    subscription.default_payment_method ?? customerDefaultPaymentMethod(context, subscription.customer),
  );
  if (endingTrial && !hasPaymentMethod) {
    const behaviour = subscription.trial_settings.end_behavior.missing_payment_method;
    if (behaviour === 'cancel')
      return cancelSubscription(context, subscription, clock, 'cancellation_requested');
    if (behaviour === 'pause') {
      updateSubscription(context, subscription, clock, () => {
        subscription.status = 'paused';
      });
      emitOn(context, clock, 'customer.subscription.paused', subscription);
      return;
    }
  }
  const previousPeriod = { start: first.current_period_start, end: first.current_period_end };
  const next = periodAround(
    subscription.billing_cycle_anchor,
    first.price.recurring,
    first.current_period_end,
  );
  updateSubscription(context, subscription, clock, () => {
    for (const item of subscription.items.data) {
      item.current_period_start = next.start;
      item.current_period_end = next.end;
    }
    if (endingTrial) subscription.status = 'active';
  });
  const lines: LineDraft[] = [
    ...takePendingInvoiceItems(context, subscription),
    // Usage during a trial is not billed.
    ...(endingTrial ? [] : usageLines(context, subscription, previousPeriod)),
    ...currentPeriodLines(context, subscription),
  ];
  const collecting = subscription.status !== 'unpaid';
  const invoice = createDraftInvoice(context, {
    customer: subscription.customer,
    currency: subscription.currency,
    billingReason: 'subscription_cycle',
    subscription: { id: subscription.id, metadata: subscription.metadata },
    lines,
    periodStart: endingTrial ? now : previousPeriod.start,
    periodEnd: endingTrial ? now : previousPeriod.end,
    clock,
    finalizesAt: collecting ? now + billingSettings(context).draftFinalizationDelaySeconds : null,
  });
  if (!collecting) invoice.auto_advance = false;
  subscription.latest_invoice = invoice.id;
}

/** Seconds before the trial ends when Stripe sends `customer.subscription.trial_will_end`. */
export const TRIAL_WILL_END_NOTICE_SECONDS = 3 * 86_400;

/** `cancel_at_period_end: true`: the subscription ends when the current period does. */
export function scheduleCancellation(subscription: Subscription, now: number): void {
  subscription.cancel_at_period_end = true;
  subscription.cancel_at = subscription.items.data[0]?.current_period_end ?? now;
  subscription.canceled_at = now;
  subscription.cancellation_details = {
    ...subscription.cancellation_details,
    reason: 'cancellation_requested',
  };
}

/** `cancel_at_period_end: false`: undoes a scheduled cancellation. */
export function unscheduleCancellation(subscription: Subscription): void {
  subscription.cancel_at_period_end = false;
  subscription.cancel_at = null;
  subscription.canceled_at = null;
  subscription.cancellation_details = { comment: null, feedback: null, reason: null };
}
