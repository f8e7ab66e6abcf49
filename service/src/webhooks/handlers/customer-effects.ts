// What the customer.* events do. customer.updated gives our customer Stripe's email and name from the newest
// version of the customer (see applyLatestVersion); customers Stripe knows but we do not are left alone.
// customer.deleted marks our customer deleted (Stripe cancels its subscriptions, which arrive as their own events).
import { parseStripeCustomer } from '../../stripe/event-payloads.js';
import type { StripeCustomer, StripeDeletedCustomer } from '../../stripe/stripe-objects.js';
import type { FetchedObject } from '../../stripe-mirror/object-fetches.js';
import {
  applyLatestVersion,
  fetchCurrentIfSameSecond,
  objectIdOf,
  type EventEffect,
} from './handler-services.js';

/** customer.updated */
export const applyCustomerUpdate: EventEffect<
  FetchedObject<StripeCustomer | StripeDeletedCustomer> | undefined
> = {
  fetch: (services, event, context) =>
    fetchCurrentIfSameSecond(event, context, (id) => services.customers.fetchStripeCustomer(id)),
  async apply(services, event, context, current) {
    const customer = parseStripeCustomer(event.data.object);
    await applyLatestVersion(event, context, 'customer.update', {
      fromPayload: () => services.customers.applyStripeCustomer(context.client, customer),
      current,
      writeCurrent: (object) => services.customers.applyStripeCustomer(context.client, object),
    });
  },
};

/** customer.deleted */
export const deleteEventCustomer: EventEffect = {
  async apply(services, event, context) {
    await context.recordEffect('customer.delete');
    await services.customers.markStripeCustomerDeleted(context.client, objectIdOf(event));
  },
};
