// What every invoice.* event does: the invoice is refetched under its lock (order-independent, any API version)
// into the mirror; its subscription is refreshed too, since paying or failing an invoice moves the subscription's
// status, and with it the customer's entitlements.
import type { HandlerContext, StripeEvent } from './event-handler.js';
import { objectIdOf, syncSubscriptionAndEntitlements, type HandlerServices } from './handler-services.js';

export async function syncEventInvoice(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  await context.recordEffect('invoice.sync');
  const invoice = await services.invoices.syncInvoice(context.client, objectIdOf(event));
  if (invoice?.stripe_subscription_id != null) {
    await syncSubscriptionAndEntitlements(services, invoice.stripe_subscription_id, context);
  }
}
