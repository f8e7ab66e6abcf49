// What every charge.dispute.* event does: the dispute's status (parsed from the event's dispute) goes onto the
// order its charge paid, and the customer's entitlements are recomputed (open or lost: the order grants nothing;
// won: it grants again).
import { parseStripeDispute } from '../../stripe/event-payloads.js';
import type { HandlerContext, StripeEvent } from './event-handler.js';
import { idOf, recomputeEntitlementsOf, type HandlerServices } from './handler-services.js';

/** charge.dispute.created, .updated and .closed */
export async function applyChargeDispute(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  const dispute = parseStripeDispute(event.data.object);
  await context.recordEffect('order.dispute');
  const order = await services.orders.applyDispute(context.client, {
    id: dispute.id,
    status: dispute.status,
    charge: idOf(dispute.charge),
    payment_intent: idOf(dispute.payment_intent),
  });
  await recomputeEntitlementsOf(services, order?.customer_id ?? null, context);
}
