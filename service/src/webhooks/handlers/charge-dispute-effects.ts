// What every charge.dispute.* event does: the dispute's status goes onto the order its charge paid, and the
// customer's entitlements are recomputed (open or lost: the order grants nothing; won: it grants again).
import type { EventHandler } from './event-handler.js';
import { idOf, objectIdOf, recomputeEntitlementsOf, type HandlerServices } from './handler-services.js';

export function createChargeDisputeHandler(services: HandlerServices): EventHandler {
  return async (event, context) => {
    const dispute = event.data.object;
    await context.recordEffect('order.dispute');
    const order = await services.orders.applyDispute(
      {
        id: objectIdOf(event),
        status: typeof dispute.status === 'string' ? dispute.status : 'needs_response',
        charge: idOf(dispute.charge),
        payment_intent: idOf(dispute.payment_intent),
      },
      { client: context.client },
    );
    await recomputeEntitlementsOf(services, order?.customer_id ?? null, context);
  };
}
