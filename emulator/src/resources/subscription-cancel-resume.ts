import type { FastifyInstance } from 'fastify';
import { subscriptionLine } from '../billing/invoices.js';
import { addIntervals } from '../billing/periods.js';
import { createPendingInvoiceItems, prorationLine } from '../billing/prorations.js';
import { changeSubscription, invoiceNow } from '../billing/subscription-changes.js';
import { cancelSubscription } from '../billing/subscription-lifecycle.js';
import { subscriptions } from '../billing/subscriptions.js';
import { emitOn, nowOn } from '../billing/time.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { optionalBoolean, optionalEnum, optionalHash, optionalString } from '../core/params.js';
import { requestParams } from '../server.js';

/** Cancelling a subscription now (`DELETE`, with `prorate` / `invoice_now`) and resuming a paused one. */
export function registerSubscriptionCancelAndResumeRoutes(
  app: FastifyInstance,
  context: EmulatorContext,
): void {
  const table = subscriptions(context);

  app.delete<{ Params: { id: string } }>('/v1/subscriptions/:id', async (request) => {
    const params = requestParams(request);
    const subscription = table.get(request.params.id, 'id');
    if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') {
      throw invalidRequest(`This subscription has already been canceled.`, undefined, 'resource_missing');
    }
    const clock = subscription.test_clock;
    const now = nowOn(context, clock);
    const details = optionalHash(params, 'cancellation_details');
    if (details) {
      subscription.cancellation_details.comment =
        optionalString(details, 'comment') ?? subscription.cancellation_details.comment;
      subscription.cancellation_details.feedback =
        optionalString(details, 'feedback') ?? subscription.cancellation_details.feedback;
    }
    if (optionalBoolean(params, 'prorate') && subscription.status !== 'trialing') {
      const credits = subscription.items.data.map((item) =>
        prorationLine(
          context,
          subscription,
          { price: item.price, quantity: item.quantity, subscriptionItem: item.id, sign: -1 },
          { start: item.current_period_start, end: item.current_period_end },
          now,
        ),
      );
      createPendingInvoiceItems(
        context,
        subscription,
        credits.filter((line) => line.amount !== 0),
        clock,
        now,
      );
    }
    cancelSubscription(context, subscription, clock, 'cancellation_requested');
    if (optionalBoolean(params, 'invoice_now'))
      invoiceNow(context, subscription, [], clock, 'subscription_update');
    return subscription;
  });

  app.post<{ Params: { id: string } }>('/v1/subscriptions/:id/resume', async (request) => {
    const params = requestParams(request);
    const subscription = table.get(request.params.id, 'id');
    if (subscription.status !== 'paused') {
      throw invalidRequest(
        'Only a paused subscription can be resumed.',
        undefined,
        'subscription_not_paused',
      );
    }
    const clock = subscription.test_clock;
    const now = nowOn(context, clock);
    const anchor = optionalEnum(params, 'billing_cycle_anchor', ['now', 'unchanged'] as const) ?? 'now';
    const recurring = subscription.items.data[0]?.price.recurring;
    changeSubscription(context, subscription, clock, () => {
      subscription.status = 'active';
      if (anchor === 'now' && recurring) {
        subscription.billing_cycle_anchor = now;
        const period = { start: now, end: addIntervals(now, recurring, 1) };
        for (const item of subscription.items.data) {
          item.current_period_start = period.start;
          item.current_period_end = period.end;
        }
      }
      return null;
    });
    emitOn(context, clock, 'customer.subscription.resumed', subscription);
    if (anchor === 'now') {
      const lines = subscription.items.data.map((item) =>
        subscriptionLine(
          context,
          item.price,
          item.quantity,
          { start: item.current_period_start, end: item.current_period_end },
          subscription.id,
          item.id,
        ),
      );
      invoiceNow(context, subscription, lines, clock, 'subscription_update');
    }
    return subscription;
  });
}
