// customer.deleted: our customer is marked deleted (Stripe cancels its subscriptions, which arrive as their own events).
import type { EventHandler } from './event-handler.js';
import { objectIdOf, type HandlerServices } from './handler-services.js';

export function createCustomerDeletedHandler(services: HandlerServices): EventHandler {
  return async (event, context) => {
    await context.recordEffect('customer.delete');
    await services.customers.markStripeCustomerDeleted(objectIdOf(event), { client: context.client });
  };
}
