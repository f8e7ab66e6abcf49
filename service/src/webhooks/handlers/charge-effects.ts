// What charge.refunded does: the charge is refetched (before the transaction) and its cumulative refunded amount
// applied to the order it paid (partially refunded or refunded), then the customer's entitlements are
// recomputed. A refund of an order we have not stored yet (its checkout event still on the way) fails and is
// retried by the inbox.
import type { StripeCharge } from '../../stripe/stripe-objects.js';
import { objectIdOf, recomputeEntitlementsOf, type EventEffect } from './handler-services.js';

/** Past this age, a refund of a charge we have no order for is a payment made outside our checkout. */
const UNMATCHED_REFUND_MAX_AGE_SECONDS = 3600;

/** charge.refunded */
export const applyChargeRefund: EventEffect<StripeCharge | undefined> = {
  fetch: (services, event) => services.orders.fetchCharge(objectIdOf(event)),
  async apply(services, event, context, charge) {
    await context.recordEffect('order.refund');
    const { order, invoiceCharge } = await services.orders.applyChargeRefund(context.client, charge);
    if (order !== undefined) {
      await recomputeEntitlementsOf(services, order.customer_id, context);
      return;
    }
    const ageSeconds = Date.now() / 1000 - event.created;
    if (!invoiceCharge && ageSeconds < UNMATCHED_REFUND_MAX_AGE_SECONDS) {
      throw new Error(`no order yet for the payment of charge ${objectIdOf(event)}; retrying later`);
    }
  },
};
