// checkout.session.completed: the session is refetched with its line items; a payment-mode session becomes (or
// advances) an order, a subscription-mode one refreshes its subscription; our checkout row is marked complete.
import type { EventHandler } from './event-handler.js';
import { applyCheckoutSessionEvent } from './checkout-session-effects.js';
import type { HandlerServices } from './handler-services.js';

export function createCheckoutSessionCompletedHandler(services: HandlerServices): EventHandler {
  return (event, context) => applyCheckoutSessionEvent(services, event, context, 'completed', 'complete');
}
