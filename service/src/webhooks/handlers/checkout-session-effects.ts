// What the checkout.session.* events that concern payment share: order, subscription, our session row,
// entitlements.
import type { SessionOutcome } from '../../orders/orders.service.js';
import type { HandlerContext, StripeEvent } from './event-handler.js';
import {
  idOf,
  objectIdOf,
  recomputeEntitlementsOf,
  syncSubscriptionAndEntitlements,
  type HandlerServices,
} from './handler-services.js';

export async function applyCheckoutSessionEvent(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
  outcome: SessionOutcome,
  sessionStatus: 'complete' | 'payment_failed',
): Promise<void> {
  const sessionId = objectIdOf(event);
  const transaction = { client: context.client };
  await context.recordEffect('checkout_session.status');
  await services.checkout.markSessionStatus(sessionId, sessionStatus, transaction);
  if (event.data.object.mode === 'subscription') {
    const subscriptionId = idOf(event.data.object.subscription);
    if (subscriptionId !== null) await syncSubscriptionAndEntitlements(services, subscriptionId, context);
    return;
  }
  await context.recordEffect('order.apply');
  const order = await services.orders.applyCheckoutSession(sessionId, outcome, transaction);
  await recomputeEntitlementsOf(services, order?.customer_id ?? null, context);
}
