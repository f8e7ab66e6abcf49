// What the customer.* events do. customer.updated gives our customer Stripe's email and name from the newest
// version of the customer (see latestVersionEffect); customers Stripe knows but we do not are left alone.
// customer.deleted marks our customer deleted (Stripe cancels its subscriptions, which arrive as their own events).
import { parseStripeCustomer } from '../../stripe/event-payloads.js';
import type { StripeCustomer, StripeDeletedCustomer } from '../../stripe/stripe-objects.js';
import { latestVersionEffect, objectIdOf, type EventEffect } from './handler-services.js';

/** customer.updated */
export const applyCustomerUpdate = latestVersionEffect<StripeCustomer | StripeDeletedCustomer>({
  effect: 'customer.update',
  parse: parseStripeCustomer,
  fetch: (services, id) => services.customers.fetchStripeCustomer(id),
  write: (services, context, customer) => services.customers.applyStripeCustomer(context.client, customer),
});

/** customer.deleted */
export const deleteEventCustomer: EventEffect = {
  async apply(services, event, context) {
    await context.recordEffect('customer.delete');
    await services.customers.markStripeCustomerDeleted(context.client, objectIdOf(event));
  },
};
