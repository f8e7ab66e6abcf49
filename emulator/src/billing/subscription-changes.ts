// Planning and applying changes to a subscription's items, with the proration lines they produce.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import type { Price } from '../resources/price-object.js';
import { attemptInvoicePayment, finalizeInvoice } from './invoice-collection.js';
import { createDraftInvoice, type Invoice, type LineDraft } from './invoices.js';
import { addIntervals } from './periods.js';
import { customerDefaultPaymentMethod } from './payment-methods.js';
import {
  createPendingInvoiceItems,
  prorationLine,
  takePendingInvoiceItems,
  type ProrationSide,
} from './prorations.js';
import {
  buildSubscriptionItem,
  currentPeriodLines,
  restartBillingCycle,
  planOf,
  subscriptionItemsTable,
  type Subscription,
  type SubscriptionItem,
} from './subscriptions.js';
import { updateSubscription } from './subscription-lifecycle.js';
import { nowOn, type ClockId } from './time.js';

export type ProrationBehavior = 'create_prorations' | 'none' | 'always_invoice';

/** One entry of `items[]` on an update: change an item (`id`), delete it, or add one (no `id`). */
export interface ItemChange {
  id?: string;
  price?: Price;
  quantity?: number;
  deleted?: boolean;
  metadata?: Record<string, string>;
}

export interface PlannedChange {
  /** The items after the change: existing ones keep their id. */
  items: Array<{ id?: string; price: Price; quantity: number; metadata: Record<string, string> }>;
  removed: string[];
  sides: ProrationSide[];
  /** A change of billing interval restarts the billing cycle now and bills the new period at once. */
  resetsCycle: boolean;
}

/** Works out what an `items[]` update changes, without changing anything (used by update and by the preview). */
export function planItemChanges(subscription: Subscription, changes: ItemChange[]): PlannedChange {
  const items: PlannedChange['items'] = subscription.items.data.map((item) => ({
    id: item.id,
    price: item.price,
    quantity: item.quantity,
    metadata: item.metadata,
  }));
  const removed: string[] = [];
  const sides: ProrationSide[] = [];
  changes.forEach((change, index) => {
    if (change.id) {
      const position = items.findIndex((item) => item.id === change.id);
      const current = items[position];
      if (!current)
        throw invalidRequest(
          `No such subscription item: '${change.id}'`,
          `items[${index}][id]`,
          'resource_missing',
        );
      if (change.deleted) {
        sides.push({
          price: current.price,
          quantity: current.quantity,
          subscriptionItem: change.id,
          sign: -1,
        });
        items.splice(position, 1);
        removed.push(change.id);
        return;
      }
      const price = change.price ?? current.price;
      const quantity = change.quantity ?? current.quantity;
      if (price.id !== current.price.id || quantity !== current.quantity) {
        sides.push({
          price: current.price,
          quantity: current.quantity,
          subscriptionItem: change.id,
          sign: -1,
        });
        sides.push({ price, quantity, subscriptionItem: change.id, sign: 1 });
      }
      items[position] = {
        ...current,
        price,
        quantity,
        metadata: { ...current.metadata, ...(change.metadata ?? {}) },
      };
      return;
    }
    if (!change.price)
      throw invalidRequest(
        `Missing required param: items[${index}][price].`,
        `items[${index}][price]`,
        'parameter_missing',
      );
    items.push({ price: change.price, quantity: change.quantity ?? 1, metadata: change.metadata ?? {} });
    sides.push({ price: change.price, quantity: change.quantity ?? 1, subscriptionItem: '', sign: 1 });
  });
  if (items.length === 0) {
    throw invalidRequest(
      'A subscription must have at least one active plan. To cancel a subscription, send a DELETE request.',
      'items',
    );
  }
  const currencies = new Set(items.map((item) => item.price.currency));
  if (currencies.size > 1 || !currencies.has(subscription.currency)) {
    throw invalidRequest(
      'All prices on a subscription must have the same currency as the subscription.',
      'items',
    );
  }
  const recurring = subscription.items.data[0]?.price.recurring;
  const resetsCycle = items.some(
    (item) =>
      item.price.recurring?.interval !== recurring?.interval ||
      item.price.recurring?.interval_count !== recurring?.interval_count,
  );
  return { items, removed, sides, resetsCycle };
}

/** Proration lines for a planned change at `moment` within the current period. */
export function prorationLinesFor(
  context: EmulatorContext,
  subscription: Subscription,
  plan: PlannedChange,
  moment: number,
): LineDraft[] {
  const first = subscription.items.data[0];
  if (!first || subscription.status === 'trialing') return [];
  const period = { start: first.current_period_start, end: first.current_period_end };
  return plan.sides
    .map((side) => prorationLine(context, subscription, side, period, moment))
    .filter((line) => line.amount !== 0 || line.quantity === 0);
}

/**
 * Applies an items change: items are updated in place (ids kept), added or deleted; prorations become pending
 * invoice items, or are invoiced at once with `always_invoice` (and always when the billing interval changes).
 */
export function applyItemChanges(
  context: EmulatorContext,
  subscription: Subscription,
  changes: ItemChange[],
  options: { prorationBehavior: ProrationBehavior; prorationDate?: number; clock: ClockId },
): LineDraft[] | null {
  const now = nowOn(context, options.clock);
  const plan = planItemChanges(subscription, changes);
  const prorations =
    options.prorationBehavior === 'none'
      ? []
      : prorationLinesFor(context, subscription, plan, options.prorationDate ?? now);
  const first = subscription.items.data[0];
  let period = { start: first?.current_period_start ?? now, end: first?.current_period_end ?? now };
  if (plan.resetsCycle && subscription.status !== 'trialing') {
    const recurring = plan.items[0]?.price.recurring;
    if (recurring) {
      subscription.billing_cycle_anchor = now;
      period = { start: now, end: addIntervals(now, recurring, 1) };
    }
  }
  const table = subscriptionItemsTable(context);
  const nextItems: SubscriptionItem[] = plan.items.map((planned) => {
    const existing = planned.id ? subscription.items.data.find((item) => item.id === planned.id) : undefined;
    if (!existing) {
      const created = buildSubscriptionItem(
        subscription.id,
        planned.price,
        planned.quantity,
        period,
        now,
        planned.metadata,
      );
      table.insert(created);
      return created;
    }
    existing.price = structuredClone(planned.price);
    existing.plan = planOf(planned.price);
    existing.quantity = planned.quantity;
    existing.metadata = planned.metadata;
    existing.current_period_start = period.start;
    existing.current_period_end = period.end;
    return existing;
  });
  for (const id of plan.removed) table.delete(id);
  subscription.items.data = nextItems;
  subscription.items.total_count = nextItems.length;
  for (const line of prorations) {
    if (!line.subscriptionItem)
      line.subscriptionItem = nextItems.find((item) => item.price.id === line.price.id)?.id ?? null;
  }
  if (prorations.length > 0) createPendingInvoiceItems(context, subscription, prorations, options.clock, now);
  if (
    options.prorationBehavior === 'always_invoice' ||
    (plan.resetsCycle && subscription.status !== 'trialing')
  ) {
    return plan.resetsCycle ? currentPeriodLines(context, subscription) : [];
  }
  return null;
}

/** Invoices the subscription's pending items (and any extra lines) now, and collects the invoice. */
export function invoiceNow(
  context: EmulatorContext,
  subscription: Subscription,
  extraLines: LineDraft[],
  clock: ClockId,
  billingReason: 'subscription_update' | 'subscription_cycle' | 'manual',
): Invoice | undefined {
  const lines = [...takePendingInvoiceItems(context, subscription), ...extraLines];
  if (lines.length === 0) return undefined;
  const now = nowOn(context, clock);
  const invoice = createDraftInvoice(context, {
    customer: subscription.customer,
    currency: subscription.currency,
    billingReason,
    subscription: { id: subscription.id, metadata: subscription.metadata },
    lines,
    periodStart: now,
    periodEnd: now,
    clock,
  });
  subscription.latest_invoice = invoice.id;
  finalizeInvoice(context, invoice, clock);
  if (invoice.status === 'open') attemptInvoicePayment(context, invoice, clock, { automatic: true });
  return invoice;
}

/**
 * `trial_end: 'now'`: ends the trial now and starts the first paid period. Returns the lines to invoice at once
 * (after the caller has announced the subscription change).
 */
export function endTrialNow(
  context: EmulatorContext,
  subscription: Subscription,
  clock: ClockId,
): LineDraft[] {
  const now = nowOn(context, clock);
  const recurring = subscription.items.data[0]?.price.recurring;
  if (subscription.status !== 'trialing' || !recurring) return [];
  subscription.trial_end = now;
  const hasPaymentMethod = Boolean(
    subscription.default_payment_method ?? customerDefaultPaymentMethod(context, subscription.customer),
  );
  // Without a payment method, the trial's end behaviour applies now as it would at the trial's end.
  if (!hasPaymentMethod && subscription.trial_settings.end_behavior.missing_payment_method === 'pause') {
    subscription.status = 'paused';
    return [];
  }
  subscription.status = 'active';
  restartBillingCycle(subscription, now);
  if (subscription.cancel_at_period_end) subscription.cancel_at = addIntervals(now, recurring, 1);
  return currentPeriodLines(context, subscription);
}

/**
 * Runs a change on a subscription, emits `customer.subscription.updated` with `previous_attributes`, then invoices
 * what the change bills at once (so the update event comes before the invoice's events, as on Stripe).
 */
export function changeSubscription(
  context: EmulatorContext,
  subscription: Subscription,
  clock: ClockId,
  change: () => LineDraft[] | null,
): void {
  const invoiceLines = updateSubscription(context, subscription, clock, change);
  if (invoiceLines) invoiceNow(context, subscription, invoiceLines, clock, 'subscription_update');
}
