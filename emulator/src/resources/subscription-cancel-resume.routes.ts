// The routes that cancel a subscription now and resume a paused one.
import type { FastifyInstance } from 'fastify';
import { creditUnusedTime } from '../billing/prorations.js';
import { changeSubscription, invoiceNow } from '../billing/subscription-changes.js';
import { cancelSubscription } from '../billing/subscription-lifecycle.js';
import { currentPeriodLines, restartBillingCycle, subscriptions } from '../billing/subscriptions.js';
import { emitOn, nowOn } from '../billing/time.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { optionalBoolean, optionalEnum, optionalHash, optionalString } from '../core/params.js';
import { requestParams } from '../core/request-params.js';

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
    const details = optionalHash(params, 'cancellation_details');
    if (details) {
      subscription.cancellation_details.comment =
        optionalString(details, 'comment') ?? subscription.cancellation_details.comment;
      subscription.cancellation_details.feedback =
        optionalString(details, 'feedback') ?? subscription.cancellation_details.feedback;
    }
    if (optionalBoolean(params, 'prorate')) creditUnusedTime(context, subscription, clock);
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
    changeSubscription(context, subscription, clock, () => {
      subscription.status = 'active';
      if (anchor === 'now') restartBillingCycle(subscription, now);
      return null;
    });
    emitOn(context, clock, 'customer.subscription.resumed', subscription);
    if (anchor === 'now')
      invoiceNow(
        context,
        subscription,
        currentPeriodLines(context, subscription),
        clock,
        'subscription_update',
      );
    return subscription;
  });
}
