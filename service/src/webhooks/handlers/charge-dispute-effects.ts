// What every charge.dispute.* event does: the dispute's status (parsed from the event's dispute) goes onto the
// order its charge paid, and the customer's entitlements are recomputed (open or lost: the order grants nothing;
// won: it grants again). A dispute without its payment intent has its charge fetched before the transaction.
import { parseStripeDispute } from '../../stripe/event-payloads.js';
import { idOf, recomputeEntitlementsOf, type EventEffect } from './handler-services.js';

/** charge.dispute.created, .updated and .closed */
export const applyChargeDispute: EventEffect<string | null> = {
  fetch: (services, event) => {
    const dispute = parseStripeDispute(event.data.object);
    return services.orders.findDisputedPaymentIntent({
      charge: idOf(dispute.charge),
      payment_intent: idOf(dispute.payment_intent),
    });
  },
  async apply(services, event, context, paymentIntent) {
    const dispute = parseStripeDispute(event.data.object);
    await context.recordEffect('order.dispute');
    const order = await services.orders.applyDispute(context.client, {
      id: dispute.id,
      status: dispute.status,
      payment_intent: paymentIntent,
    });
    await recomputeEntitlementsOf(services, order?.customer_id ?? null, context);
  },
};
