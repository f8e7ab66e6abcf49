// What every customer.subscription.* event does: the mirror takes Stripe's current subscription (refetched under
// its lock), so a late or old-API-version event never writes older state; then the customer's entitlements are
// recomputed. trial_will_end changes nothing at Stripe yet, but the same cheap refetch keeps trial_end current.
import type { HandlerContext, StripeEvent } from './event-handler.js';
import { objectIdOf, syncSubscriptionAndEntitlements, type HandlerServices } from './handler-services.js';

export function syncEventSubscription(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  return syncSubscriptionAndEntitlements(services, objectIdOf(event), context);
}
