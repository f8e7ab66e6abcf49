// customer.subscription.resumed: the mirror takes Stripe's current subscription (refetched under its lock), so a
// late or old-API-version event never writes older state; then the customer's entitlements are recomputed.
import type { EventHandler } from './event-handler.js';
import { objectIdOf, syncSubscriptionAndEntitlements, type HandlerServices } from './handler-services.js';

export function createSubscriptionResumedHandler(services: HandlerServices): EventHandler {
  return (event, context) => syncSubscriptionAndEntitlements(services, objectIdOf(event), context);
}
