// What the checkout.session.* events do. The three that concern payment refetch, before the transaction, what
// they apply: a payment-mode session with its line items becomes (or advances) an order, a subscription-mode
// one's subscription is refreshed, and our checkout row is marked complete or payment_failed. An expired session
// only marks our row expired (a new checkout of the same cart may start).
import type { SessionOutcome } from '../../orders/orders.service.js';
import type { StripeCheckoutSession } from '../../stripe/stripe-objects.js';
import type { FetchedSubscription } from '../../subscriptions/subscriptions.service.js';
import {
  idOf,
  objectIdOf,
  recomputeEntitlementsOf,
  storeSubscriptionAndEntitlements,
  type EventEffect,
} from './handler-services.js';

/** A subscription-mode session's subscription, or a payment-mode session as Stripe has it now. */
type FetchedPayment =
  | { mode: 'subscription'; subscription: FetchedSubscription | undefined }
  | { mode: 'payment'; session: StripeCheckoutSession | undefined };

function sessionPaymentEffect(
  outcome: SessionOutcome,
  sessionStatus: 'complete' | 'payment_failed',
): EventEffect<FetchedPayment> {
  return {
    async fetch(services, event, context) {
      if (event.data.object.mode === 'subscription') {
        const subscriptionId = idOf(event.data.object.subscription);
        return {
          mode: 'subscription',
          subscription:
            subscriptionId === null
              ? undefined
              : await services.subscriptions.fetchSubscription(subscriptionId, { final: context.final }),
        };
      }
      return { mode: 'payment', session: await services.orders.fetchCheckoutSession(objectIdOf(event)) };
    },
    async apply(services, event, context, fetched) {
      await context.recordEffect('checkout_session.status');
      await services.checkout.markSessionStatus(context.client, objectIdOf(event), sessionStatus);
      if (fetched.mode === 'subscription') {
        if (fetched.subscription !== undefined) {
          await storeSubscriptionAndEntitlements(services, fetched.subscription, context);
        }
        return;
      }
      await context.recordEffect('order.apply');
      const order = await services.orders.applyCheckoutSession(context.client, fetched.session, outcome);
      await recomputeEntitlementsOf(services, order?.customer_id ?? null, context);
    },
  };
}

/** checkout.session.completed */
export const completeCheckoutSession = sessionPaymentEffect('completed', 'complete');

/** checkout.session.async_payment_succeeded */
export const applyCheckoutSessionPaymentSucceeded = sessionPaymentEffect('payment_succeeded', 'complete');

/** checkout.session.async_payment_failed */
export const applyCheckoutSessionPaymentFailed = sessionPaymentEffect('payment_failed', 'payment_failed');

/** checkout.session.expired */
export const expireCheckoutSession: EventEffect = {
  async apply(services, event, context) {
    await context.recordEffect('checkout_session.status');
    await services.checkout.markSessionStatus(context.client, objectIdOf(event), 'expired');
  },
};
