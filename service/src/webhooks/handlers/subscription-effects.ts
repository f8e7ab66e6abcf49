// What every customer.subscription.* event does: the mirror takes Stripe's current subscription (fetched before
// the transaction, stored only if no later fetch was), so a late or old-API-version event never writes older
// state; then the customer's entitlements are recomputed. trial_will_end changes nothing at Stripe yet, but the
// same cheap refetch keeps trial_end current.
import type { FetchedSubscription } from '../../subscriptions/subscriptions.service.js';
import { objectIdOf, storeSubscriptionAndEntitlements, type EventEffect } from './handler-services.js';

export const syncEventSubscription: EventEffect<FetchedSubscription> = {
  fetch: (services, event, context) =>
    services.subscriptions.fetchSubscription(objectIdOf(event), { final: context.final }),
  apply: (services, _event, context, fetched) => storeSubscriptionAndEntitlements(services, fetched, context),
};
