import type { EmulatorContext } from '../core/context.js';
import { newId } from '../core/ids.js';
import type { StripeObject } from '../core/store.js';
import type { Price } from './catalog.js';
import { attemptInvoicePayment, finalizeInvoice } from './invoice-collection.js';
import { createDraftInvoice, subscriptionLine, type Invoice, type LineDraft } from './invoices.js';
import { addIntervals } from './periods.js';
import { declinedPaymentError } from './payment-intents.js';
import { emitOn, nowOn, type ClockId } from './time.js';

export type SubscriptionStatus =
  'incomplete' | 'incomplete_expired' | 'trialing' | 'active' | 'past_due' | 'canceled' | 'unpaid' | 'paused';

export interface SubscriptionItem extends StripeObject {
  object: 'subscription_item';
  created: number;
  current_period_start: number;
  current_period_end: number;
  metadata: Record<string, string>;
  price: Price;
  quantity: number;
  subscription: string;
  [key: string]: unknown;
}

export interface Subscription extends StripeObject {
  object: 'subscription';
  billing_cycle_anchor: number;
  cancel_at: number | null;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  cancellation_details: { comment: string | null; feedback: string | null; reason: string | null };
  created: number;
  currency: string;
  customer: string;
  default_payment_method: string | null;
  ended_at: number | null;
  items: { object: 'list'; data: SubscriptionItem[]; has_more: boolean; url: string; total_count?: number };
  latest_invoice: string | null;
  metadata: Record<string, string>;
  start_date: number;
  status: SubscriptionStatus;
  test_clock: string | null;
  trial_end: number | null;
  trial_start: number | null;
  trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' | 'pause' | 'cancel' } };
  [key: string]: unknown;
}

export function subscriptions(context: EmulatorContext) {
  return context.state.table<Subscription>('subscription');
}

export function subscriptionItemsTable(context: EmulatorContext) {
  return context.state.table<SubscriptionItem>('subscription_item');
}

export interface SubscriptionInput {
  customer: string;
  items: Array<{ price: Price; quantity: number; metadata?: Record<string, string> }>;
  /** One-time prices billed once on the first invoice (`add_invoice_items`, or one-time lines of a checkout). */
  addInvoiceItems: Array<{ price: Price; quantity: number }>;
  trialEnd: number | null;
  defaultPaymentMethod: string | null;
  metadata: Record<string, string>;
  description: string | null;
  cancelAtPeriodEnd: boolean;
  paymentBehavior:
    'allow_incomplete' | 'default_incomplete' | 'error_if_incomplete' | 'pending_if_incomplete';
  missingPaymentMethodAtTrialEnd: 'create_invoice' | 'pause' | 'cancel';
  clock: ClockId;
  /** A customer on a hosted page can complete 3D Secure. */
  authenticated?: boolean;
}

/** The legacy `plan` view of a recurring price that subscription items still carry. */
export function planOf(price: Price): Record<string, unknown> {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: String(price.unit_amount ?? 0),
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? 'month',
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata ?? {},
    meter: null,
    nickname: price.nickname ?? null,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}

export function buildSubscriptionItem(
  subscriptionId: string,
  price: Price,
  quantity: number,
  period: { start: number; end: number },
  now: number,
  metadata: Record<string, string> = {},
): SubscriptionItem {
  return {
    id: newId('si', 14),
    object: 'subscription_item',
    billing_thresholds: null,
    created: now,
    current_period_end: period.end,
    current_period_start: period.start,
    discounts: [],
    metadata,
    plan: planOf(price),
    price: structuredClone(price),
    quantity,
    subscription: subscriptionId,
    tax_rates: [],
  };
}

/** Moves the billing cycle anchor to `now`: every item starts a new period of the plan's interval now. */
export function restartBillingCycle(subscription: Subscription, now: number): void {
  const recurring = subscription.items.data[0]?.price.recurring;
  if (!recurring) return;
  subscription.billing_cycle_anchor = now;
  const end = addIntervals(now, recurring, 1);
  for (const item of subscription.items.data) {
    item.current_period_start = now;
    item.current_period_end = end;
  }
}

/** One invoice line per item, billing it for its current period. */
export function currentPeriodLines(context: EmulatorContext, subscription: Subscription): LineDraft[] {
  return subscription.items.data.map((item) =>
    subscriptionLine(
      context,
      item.price,
      item.quantity,
      { start: item.current_period_start, end: item.current_period_end },
      subscription.id,
      item.id,
    ),
  );
}

/**
 * Creates a subscription as Stripe does: `incomplete` (or `trialing`) with `customer.subscription.created`, then its
 * first invoice (`subscription_create`), finalized at once and paid with the default payment method; a paid first
 * invoice makes the subscription `active` (`customer.subscription.updated`).
 */
export function createSubscription(
  context: EmulatorContext,
  input: SubscriptionInput,
): { subscription: Subscription; invoice: Invoice } {
  const now = nowOn(context, input.clock);
  const first = input.items[0];
  if (!first?.price.recurring) throw new Error('a subscription needs a recurring price');
  const trialing = input.trialEnd !== null && input.trialEnd > now;
  const anchor = trialing && input.trialEnd !== null ? input.trialEnd : now;
  const period = { start: now, end: trialing ? anchor : addIntervals(anchor, first.price.recurring, 1) };
  const id = newId('sub');
  const items = input.items.map((item) =>
    buildSubscriptionItem(id, item.price, item.quantity, period, now, item.metadata),
  );
  const subscription: Subscription = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: anchor,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic' },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: input.cancelAtPeriodEnd ? period.end : null,
    cancel_at_period_end: input.cancelAtPeriodEnd,
    canceled_at: input.cancelAtPeriodEnd ? now : null,
    cancellation_details: {
      comment: null,
      feedback: null,
      reason: input.cancelAtPeriodEnd ? 'cancellation_requested' : null,
    },
    collection_method: 'charge_automatically',
    created: now,
    currency: first.price.currency,
    customer: input.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: input.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: input.description,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    managed_payments: null,
    items: {
      object: 'list',
      data: items,
      has_more: false,
      total_count: items.length,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: false,
    metadata: input.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: 'off',
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: trialing ? 'trialing' : 'incomplete',
    test_clock: input.clock,
    transfer_data: null,
    trial_end: trialing ? input.trialEnd : null,
    trial_settings: { end_behavior: { missing_payment_method: input.missingPaymentMethodAtTrialEnd } },
    trial_start: trialing ? now : null,
  };
  subscriptions(context).insert(subscription);
  for (const item of items) subscriptionItemsTable(context).insert(item);
  emitOn(context, input.clock, 'customer.subscription.created', subscription);

  const lines: LineDraft[] = items.map((item) => {
    const line = subscriptionLine(context, item.price, item.quantity, period, id, item.id);
    return trialing
      ? {
          ...line,
          amount: 0,
          description: `Trial period for ${line.description.replace(/^\d+ × /, '').replace(/ \(at .*\)$/, '')}`,
        }
      : line;
  });
  for (const extra of input.addInvoiceItems) {
    lines.push({
      ...subscriptionLine(context, extra.price, extra.quantity, { start: now, end: now }, id, ''),
      subscriptionItem: null,
    });
  }
  const invoice = createDraftInvoice(context, {
    customer: input.customer,
    currency: subscription.currency,
    billingReason: 'subscription_create',
    subscription: { id, metadata: subscription.metadata },
    lines,
    periodStart: now,
    periodEnd: now,
    clock: input.clock,
  });
  subscription.latest_invoice = invoice.id;
  finalizeInvoice(context, invoice, input.clock);
  if (invoice.status === 'open' && input.paymentBehavior !== 'default_incomplete') {
    const { outcome } = attemptInvoicePayment(context, invoice, input.clock, {
      automatic: false,
      ...(input.authenticated ? { authenticated: true } : {}),
    });
    if (input.paymentBehavior === 'error_if_incomplete' && outcome?.status === 'declined') {
      throw declinedPaymentError(outcome);
    }
  }
  return { subscription, invoice };
}
