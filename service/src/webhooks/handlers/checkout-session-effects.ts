// What the checkout.session.* events do. The three that concern payment refetch the session with its line items:
// a payment-mode session becomes (or advances) an order, a subscription-mode one refreshes its subscription, and
// our checkout row is marked complete or payment_failed. An expired session only marks our row expired (a new
// checkout of the same cart may start).
import type { SessionOutcome } from '../../orders/orders.service.js';
import type { HandlerContext, StripeEvent } from './event-handler.js';
import {
  idOf,
  objectIdOf,
  recomputeEntitlementsOf,
  syncSubscriptionAndEntitlements,
  type HandlerServices,
} from './handler-services.js';

async function applyCheckoutSessionPayment(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
  outcome: SessionOutcome,
  sessionStatus: 'complete' | 'payment_failed',
): Promise<void> {
  const sessionId = objectIdOf(event);
  await context.recordEffect('checkout_session.status');
  await services.checkout.markSessionStatus(context.client, sessionId, sessionStatus);
  if (event.data.object.mode === 'subscription') {
    const subscriptionId = idOf(event.data.object.subscription);
    if (subscriptionId !== null) await syncSubscriptionAndEntitlements(services, subscriptionId, context);
    return;
  }
  await context.recordEffect('order.apply');
  const order = await services.orders.applyCheckoutSession(context.client, sessionId, outcome);
  await recomputeEntitlementsOf(services, order?.customer_id ?? null, context);
}

/** checkout.session.completed */
export function completeCheckoutSession(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  return applyCheckoutSessionPayment(services, event, context, 'completed', 'complete');
}

/** checkout.session.async_payment_succeeded */
export function applyCheckoutSessionPaymentSucceeded(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  return applyCheckoutSessionPayment(services, event, context, 'payment_succeeded', 'complete');
}

/** checkout.session.async_payment_failed */
export function applyCheckoutSessionPaymentFailed(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  return applyCheckoutSessionPayment(services, event, context, 'payment_failed', 'payment_failed');
}

/** checkout.session.expired */
export async function expireCheckoutSession(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  await context.recordEffect('checkout_session.status');
  await services.checkout.markSessionStatus(context.client, objectIdOf(event), 'expired');
}
