// What the customer.* events do. customer.updated gives our customer Stripe's email and name from the newest
// version of the customer (see applyLatestVersion); customers Stripe knows but we do not are left alone.
// customer.deleted marks our customer deleted (Stripe cancels its subscriptions, which arrive as their own events).
import { parseStripeCustomer } from '../../stripe/event-payloads.js';
import type { HandlerContext, StripeEvent } from './event-handler.js';
import { applyLatestVersion, objectIdOf, type HandlerServices } from './handler-services.js';

/** customer.updated */
export async function applyCustomerUpdate(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  const customer = parseStripeCustomer(event.data.object);
  await applyLatestVersion(event, context, 'customer.update', {
    fromPayload: () => services.customers.applyStripeCustomer(context.client, customer),
    fromStripe: () => services.customers.syncStripeCustomer(context.client, customer.id),
  });
}

/** customer.deleted */
export async function deleteEventCustomer(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  await context.recordEffect('customer.delete');
  await services.customers.markStripeCustomerDeleted(context.client, objectIdOf(event));
}
