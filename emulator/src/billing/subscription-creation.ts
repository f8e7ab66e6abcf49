// Creating a subscription: the object, its items, and its first invoice finalized and collected.
import type { EmulatorContext } from '../core/context.js';
import { newId } from '../core/ids.js';
import { redeemDiscounts, type DiscountRequest } from './discounts.js';
import type { Price } from '../resources/price-object.js';
import { attemptInvoicePayment, finalizeInvoice } from './invoice-collection.js';
import { createDraftInvoice, subscriptionLine, type Invoice, type LineDraft } from './invoices.js';
import { declinedPaymentError } from './payment-intents.js';
import { addIntervals } from './periods.js';
import {
  buildSubscriptionItem,
  subscriptionItemsTable,
  subscriptions,
  type Subscription,
} from './subscriptions.js';
import { emitOn, nowOn, type ClockId } from './time.js';

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
  /** `discounts`, redeemed for the subscription (its invoices inherit them). */
  discounts?: DiscountRequest[];
  /** The checkout session the subscription comes from (its discounts name it). */
  checkoutSession?: string;
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
  const redeemed = redeemDiscounts(
    context,
    input.discounts ?? [],
    { customer: input.customer, subscription: id, checkoutSession: input.checkoutSession ?? null },
    now,
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
    discounts: redeemed.discounts.map((discount) => discount.id),
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
  for (const discount of redeemed.created)
    emitOn(context, input.clock, 'customer.discount.created', discount);

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
