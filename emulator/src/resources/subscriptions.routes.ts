// The /v1/subscriptions routes: create, retrieve, update, list, search.
import type { FastifyInstance } from 'fastify';
import type { LineDraft } from '../billing/invoices.js';
import {
  attachPaymentMethod,
  customerDefaultPaymentMethod,
  resolvePaymentMethod,
} from '../billing/payment-methods.js';
import { applyItemChanges, changeSubscription, endTrialNow } from '../billing/subscription-changes.js';
import {
  scheduleCancellation,
  unscheduleCancellation,
  updateSubscription,
} from '../billing/subscription-lifecycle.js';
import { createSubscription } from '../billing/subscription-creation.js';
import {
  removeSubscriptionDiscounts,
  replaceSubscriptionDiscounts,
} from '../billing/subscription-discounts.js';
import { subscriptions, type Subscription } from '../billing/subscriptions.js';
import { clockOfCustomer, emitOn, nowOn } from '../billing/time.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam, resourceMissing } from '../core/errors.js';
import { matchesCreated, paginate } from '../core/list.js';
import * as read from '../core/params.js';
import { applyMetadata, type Params } from '../core/params.js';
import { requestParams } from '../core/request-params.js';
import { parseDiscounts } from './discount-params.js';
import { registerSubscriptionCancelAndResumeRoutes } from './subscription-cancel-resume.routes.js';
import {
  parseItemChanges,
  parseProrationBehavior,
  parseTrialEnd,
  priceOfItem,
} from './subscription-params.js';

export function registerSubscriptionRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('sub', 'subscription');
  const table = subscriptions(context);
  registerSubscriptionCancelAndResumeRoutes(app, context);

  app.post('/v1/subscriptions', async (request) => {
    const params = requestParams(request);
    const customerId = read.requiredString(params, 'customer');
    context.state.table('customer').get(customerId, 'customer');
    const clock = clockOfCustomer(context, customerId);
    const now = nowOn(context, clock);
    const rawItems = read.optionalArray(params, 'items');
    if (!rawItems || rawItems.length === 0) throw missingParam('items');
    const items = rawItems.map((entry, index) => {
      const item = (entry ?? {}) as Params;
      const price = priceOfItem(context, item, `items[${index}]`, now, true);
      if (!price) throw missingParam(`items[${index}][price]`);
      if (price.recurring?.usage_type === 'metered' && item.quantity !== undefined) {
        throw invalidRequest(
          'Quantity should not be specified where usage_type is `metered`. Remove quantity from `items`.',
          `items[${index}][quantity]`,
        );
      }
      return {
        price,
        quantity: read.optionalInteger(item, 'quantity') ?? 1,
        metadata: applyMetadata({}, item),
      };
    });
    const addInvoiceItems = (read.optionalArray(params, 'add_invoice_items') ?? []).map((entry, index) => {
      const item = (entry ?? {}) as Params;
      const price = priceOfItem(context, item, `add_invoice_items[${index}]`, now, false);
      if (!price) throw missingParam(`add_invoice_items[${index}][price]`);
      return { price, quantity: read.optionalInteger(item, 'quantity') ?? 1 };
    });
    const trialDays = read.optionalInteger(params, 'trial_period_days') ?? null;
    const trialEndParam = parseTrialEnd(params, now);
    const trialEnd =
      trialEndParam === 'now' ? null : (trialEndParam ?? (trialDays ? now + trialDays * 86_400 : null));
    const paymentBehavior =
      read.optionalEnum(params, 'payment_behavior', [
        'allow_incomplete',
        'default_incomplete',
        'error_if_incomplete',
        'pending_if_incomplete',
      ] as const) ?? 'allow_incomplete';
    const defaultPaymentMethod = defaultPaymentMethodParam(params, customerId, now);
    if (
      !trialEnd &&
      paymentBehavior !== 'default_incomplete' &&
      !defaultPaymentMethod &&
      !customerDefaultPaymentMethod(context, customerId)
    ) {
      throw invalidRequest(
        'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
        undefined,
        'resource_missing',
      );
    }
    const trialSettings =
      read.optionalHash(read.optionalHash(params, 'trial_settings') ?? {}, 'end_behavior') ?? {};
    const discountRequests = parseDiscounts(context, params, {
      customer: customerId,
      amount: [...items, ...addInvoiceItems].reduce(
        (sum, item) => sum + (item.price.unit_amount ?? 0) * item.quantity,
        0,
      ),
      currency: items[0]?.price.currency ?? null,
      now,
    });
    const { subscription } = createSubscription(context, {
      customer: customerId,
      items,
      addInvoiceItems,
      trialEnd,
      defaultPaymentMethod,
      metadata: applyMetadata({}, params),
      description: read.optionalString(params, 'description') ?? null,
      cancelAtPeriodEnd: read.optionalBoolean(params, 'cancel_at_period_end') ?? false,
      paymentBehavior,
      missingPaymentMethodAtTrialEnd:
        read.optionalEnum(trialSettings, 'missing_payment_method', [
          'create_invoice',
          'pause',
          'cancel',
        ] as const) ?? 'create_invoice',
      clock,
      ...(discountRequests ? { discounts: discountRequests } : {}),
    });
    return subscription;
  });

  app.get<{ Params: { id: string } }>('/v1/subscriptions/:id', async (request) =>
    table.get(request.params.id, 'id'),
  );

  app.post<{ Params: { id: string } }>('/v1/subscriptions/:id', async (request) => {
    const params = requestParams(request);
    const subscription = table.get(request.params.id, 'id');
    const clock = subscription.test_clock;
    const now = nowOn(context, clock);
    if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') {
      const allowed = Object.keys(params).every((key) =>
        ['metadata', 'cancellation_details', 'expand'].includes(key),
      );
      if (!allowed)
        throw invalidRequest(
          'A canceled subscription can only update its cancellation_details and metadata.',
        );
    }
    const itemChanges = parseItemChanges(context, params, now);
    const trialEnd = parseTrialEnd(params, now);
    const prorationDate = read.optionalInteger(params, 'proration_date') ?? undefined;
    const discountRequests = parseDiscounts(context, params, {
      customer: subscription.customer,
      amount: subscription.items.data.reduce(
        (sum, item) => sum + (item.price.unit_amount ?? 0) * item.quantity,
        0,
      ),
      currency: subscription.currency,
      now,
    });
    const statusBefore = subscription.status;
    changeSubscription(context, subscription, clock, () => {
      let invoiceLines: LineDraft[] | null = null;
      subscription.metadata = applyMetadata(subscription.metadata, params);
      const description = read.optionalString(params, 'description');
      if (description !== undefined) subscription.description = description;
      const paymentMethod = defaultPaymentMethodParam(params, subscription.customer, now);
      if (paymentMethod !== null) subscription.default_payment_method = paymentMethod;
      applyCancellationParams(subscription, params, now);
      if (discountRequests) replaceSubscriptionDiscounts(context, subscription, discountRequests, clock);
      if (itemChanges) {
        invoiceLines = applyItemChanges(context, subscription, itemChanges, {
          prorationBehavior: parseProrationBehavior(params),
          ...(prorationDate !== undefined ? { prorationDate } : {}),
          clock,
        });
      }
      if (trialEnd === 'now')
        invoiceLines = [...(invoiceLines ?? []), ...endTrialNow(context, subscription, clock)];
      else if (trialEnd !== undefined && subscription.status === 'trialing') {
        subscription.trial_end = trialEnd;
        subscription.billing_cycle_anchor = trialEnd;
        for (const item of subscription.items.data) item.current_period_end = trialEnd;
      }
      return invoiceLines;
    });
    if (statusBefore === 'trialing' && subscription.status === 'paused')
      emitOn(context, clock, 'customer.subscription.paused', subscription);
    return subscription;
  });

  app.delete<{ Params: { id: string } }>('/v1/subscriptions/:id/discount', async (request) => {
    const subscription = table.get(request.params.id, 'id');
    const clock = subscription.test_clock;
    const removed = updateSubscription(context, subscription, clock, () =>
      removeSubscriptionDiscounts(context, subscription, clock),
    );
    if (!removed) throw resourceMissing('discount', `${subscription.id}/discount`, 'subscription');
    return { ...removed, deleted: true };
  });

  app.get('/v1/subscriptions', async (request) => {
    const params = requestParams(request);
    const customer = read.optionalString(params, 'customer');
    const price = read.optionalString(params, 'price');
    const testClock = read.optionalString(params, 'test_clock');
    const status = read.optionalEnum(params, 'status', [
      'active',
      'all',
      'canceled',
      'ended',
      'incomplete',
      'incomplete_expired',
      'past_due',
      'paused',
      'trialing',
      'unpaid',
    ] as const);
    const rows = table.list(
      (row) =>
        (customer === undefined || row.customer === customer) &&
        (testClock === undefined || row.test_clock === testClock) &&
        (price === undefined || row.items.data.some((item) => item.price.id === price)) &&
        matchesStatus(row.status, status) &&
        matchesCreated(row.created, params),
    );
    return paginate(rows, params, '/v1/subscriptions');
  });

  function defaultPaymentMethodParam(params: Params, customerId: string, now: number): string | null {
    const value = read.optionalString(params, 'default_payment_method');
    if (!value) return null;
    const paymentMethod = resolvePaymentMethod(context, value, 'default_payment_method', now);
    if (!paymentMethod.customer && value.startsWith('pm_card_'))
      attachPaymentMethod(context, paymentMethod, customerId);
    if (paymentMethod.customer !== customerId) {
      throw invalidRequest(
        `The customer does not have a payment method with the ID ${value}. The payment method must be attached to the customer.`,
        'default_payment_method',
        'resource_missing',
      );
    }
    return paymentMethod.id;
  }
}

function applyCancellationParams(subscription: Subscription, params: Params, now: number): void {
  const atPeriodEnd = read.optionalBoolean(params, 'cancel_at_period_end');
  if (atPeriodEnd === true) scheduleCancellation(subscription, now);
  else if (atPeriodEnd === false) unscheduleCancellation(subscription);
  if (params.cancel_at !== undefined) {
    const cancelAt = read.optionalInteger(params, 'cancel_at');
    subscription.cancel_at = cancelAt ?? null;
    subscription.cancel_at_period_end = false;
    subscription.canceled_at = cancelAt ? now : null;
    subscription.cancellation_details = {
      ...subscription.cancellation_details,
      reason: cancelAt ? 'cancellation_requested' : null,
    };
  }
  const details = read.optionalHash(params, 'cancellation_details');
  if (details) {
    const comment = read.optionalString(details, 'comment');
    const feedback = read.optionalString(details, 'feedback');
    if (comment !== undefined) subscription.cancellation_details.comment = comment;
    if (feedback !== undefined) subscription.cancellation_details.feedback = feedback;
  }
}

function matchesStatus(status: Subscription['status'], filter: string | undefined): boolean {
  if (filter === undefined) return status !== 'canceled' && status !== 'incomplete_expired';
  if (filter === 'all') return true;
  if (filter === 'ended') return status === 'canceled' || status === 'incomplete_expired';
  return status === filter;
}
