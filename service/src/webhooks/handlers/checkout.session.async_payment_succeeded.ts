// checkout.session.async_payment_succeeded: the session is refetched with its line items; a payment-mode session becomes (or
// advances) an order, a subscription-mode one refreshes its subscription; our checkout row is marked complete.
import type { EventHandler } from './event-handler.js';
import { applyCheckoutSessionEvent } from './checkout-session-effects.js';
import type { HandlerServices } from './handler-services.js';

export function createCheckoutSessionAsyncPaymentSucceededHandler(services: HandlerServices): EventHandler {
  return (event, context) =>
    applyCheckoutSessionEvent(services, event, context, 'payment_succeeded', 'complete');
}
