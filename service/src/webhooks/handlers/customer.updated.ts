// customer.updated: our customer takes Stripe's email and name (customers Stripe knows but we do not are left alone).
import type { StripeCustomer } from '../../stripe/types.js';
import type { EventHandler } from './event-handler.js';
import type { HandlerServices } from './handler-services.js';

export function createCustomerUpdatedHandler(services: HandlerServices): EventHandler {
  return async (event, context) => {
    await context.recordEffect('customer.update');
    await services.customers.applyStripeCustomer(event.data.object as unknown as StripeCustomer, {
      client: context.client,
    });
  };
}
