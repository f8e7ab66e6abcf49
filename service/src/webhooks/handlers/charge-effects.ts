// What charge.refunded does: the charge is refetched and its cumulative refunded amount applied to the order it
// paid (partially refunded or refunded), then the customer's entitlements are recomputed. A refund of an order we
// have not stored yet (its checkout event still on the way) fails and is retried by the inbox.
import type { HandlerContext, StripeEvent } from './event-handler.js';
import { objectIdOf, recomputeEntitlementsOf, type HandlerServices } from './handler-services.js';

/** Past this age, a refund of a charge we have no order for is a payment made outside our checkout. */
const UNMATCHED_REFUND_MAX_AGE_SECONDS = 3600;

/** charge.refunded */
export async function applyChargeRefund(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  await context.recordEffect('order.refund');
  const { order, invoiceCharge } = await services.orders.applyChargeRefund(context.client, objectIdOf(event));
  if (order !== undefined) {
    await recomputeEntitlementsOf(services, order.customer_id, context);
    return;
  }
  const ageSeconds = Date.now() / 1000 - event.created;
  if (!invoiceCharge && ageSeconds < UNMATCHED_REFUND_MAX_AGE_SECONDS) {
    throw new Error(`no order yet for the payment of charge ${objectIdOf(event)}; retrying later`);
  }
}
