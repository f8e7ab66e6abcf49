// What every invoice.* event does: sync the invoice, then its subscription (and entitlements).
import type { HandlerContext, StripeEvent } from './event-handler.js';
import { objectIdOf, syncSubscriptionAndEntitlements, type HandlerServices } from './handler-services.js';

export async function applyInvoiceEvent(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  await context.recordEffect('invoice.sync');
  const invoice = await services.invoices.syncInvoice(objectIdOf(event), { client: context.client });
  if (invoice?.stripe_subscription_id != null) {
    await syncSubscriptionAndEntitlements(services, invoice.stripe_subscription_id, context);
  }
}
