// checkout.session.expired: our checkout row is marked expired (a new checkout of the same cart may start).
import type { EventHandler } from './event-handler.js';
import { objectIdOf, type HandlerServices } from './handler-services.js';

export function createCheckoutSessionExpiredHandler(services: HandlerServices): EventHandler {
  return async (event, context) => {
    await context.recordEffect('checkout_session.status');
    await services.checkout.markSessionStatus(objectIdOf(event), 'expired', { client: context.client });
  };
}
