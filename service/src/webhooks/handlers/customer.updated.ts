// customer.updated: our customer takes Stripe's email and name from the newest version of the customer (see
// applyLatestVersion); customers Stripe knows but we do not are left alone.
import { parseStripeCustomer } from '../../stripe/event-payloads.js';
import type { EventHandler } from './event-handler.js';
import { applyLatestVersion, type HandlerServices } from './handler-services.js';

export function createCustomerUpdatedHandler(services: HandlerServices): EventHandler {
  return async (event, context) => {
    const customer = parseStripeCustomer(event.data.object);
    const transaction = { client: context.client };
    await applyLatestVersion(event, context, 'customer.update', {
      fromPayload: () => services.customers.applyStripeCustomer(customer, transaction),
      fromStripe: () => services.customers.syncStripeCustomer(customer.id, transaction),
    });
  };
}
