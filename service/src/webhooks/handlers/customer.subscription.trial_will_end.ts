// customer.subscription.trial_will_end: nothing changes at Stripe yet, but the mirror is refreshed all the same
// (a cheap refetch) so that trial_end is current; entitlements are recomputed from it.
import type { EventHandler } from './event-handler.js';
import { objectIdOf, syncSubscriptionAndEntitlements, type HandlerServices } from './handler-services.js';

export function createSubscriptionTrialWillEndHandler(services: HandlerServices): EventHandler {
  return (event, context) => syncSubscriptionAndEntitlements(services, objectIdOf(event), context);
}
