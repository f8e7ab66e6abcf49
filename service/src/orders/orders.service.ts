// One-time orders, from checkout sessions in payment mode and refunds of their charges. The session is always
// refetched (with its line items) through the gateway: the event says only which session changed.
import type { Pool, PoolClient } from '../db/pool.js';
import type { CustomersService } from '../customers/customers.service.js';
import { unlessNotFound } from '../stripe/call-outcomes.js';
import type { StripeGateway } from '../stripe/gateway.js';
import type { StripeCheckoutSession } from '../stripe/stripe-objects.js';
import * as repo from './orders.repo.js';
import type { OrderItemRow, OrderRow, OrderStatus } from './orders.repo.js';

export type { OrderRow, OrderItemRow } from './orders.repo.js';
export type OrderWithItems = OrderRow & { items: OrderItemRow[] };

/** `client` is the webhook's transaction: the order commits with the event. */
export interface OrdersService {
  /** Creates or advances the order of a payment-mode session; undefined for other modes. */
  applyCheckoutSession: (
    client: PoolClient,
    stripeSessionId: string,
    outcome: SessionOutcome,
  ) => Promise<OrderRow | undefined>;
  /**
   * Applies the charge's cumulative refunded amount to its order (undefined when no order has it);
   * `invoiceCharge` says whether the charge paid an invoice (or is unknown to Stripe), so no order is to come.
   */
  applyChargeRefund: (
    client: PoolClient,
    stripeChargeId: string,
  ) => Promise<{ order: OrderRow | undefined; invoiceCharge: boolean }>;
  listForCustomer: (customerId: string) => Promise<OrderWithItems[]>;
}

/** What the event said happened, beside the session's own state. */
export type SessionOutcome = 'completed' | 'payment_succeeded' | 'payment_failed';

const idOf = (value: string | { id: string } | null | undefined) =>
  value === null || value === undefined ? null : typeof value === 'string' ? value : value.id;

export function createOrdersService(options: {
  pool: Pool;
  stripe: StripeGateway;
  customers: CustomersService;
}): OrdersService {
  const { pool, stripe, customers } = options;

  function statusOf(session: StripeCheckoutSession, outcome: SessionOutcome): OrderStatus {
    if (session.payment_status === 'paid' || session.payment_status === 'no_payment_required') return 'paid';
    return outcome === 'payment_failed' ? 'failed' : 'pending';
  }

  return {
    /**
     * Creates or advances the order of a payment-mode session; undefined for other modes. `transaction.client`
     * is the webhook's transaction (required: the order commits with the event).
     */
    async applyCheckoutSession(
      client: PoolClient,
      stripeSessionId: string,
      outcome: SessionOutcome,
    ): Promise<OrderRow | undefined> {
      const session = await unlessNotFound(stripe.retrieveCheckoutSession(stripeSessionId));
      if (session === undefined || session.mode !== 'payment') return undefined;
      const stripeCustomerId = idOf(session.customer);
      const customer =
        stripeCustomerId === null
          ? undefined
          : await customers.findByStripeCustomerId(client, stripeCustomerId);
      const order = await repo.upsertOrder(client, {
        stripeCheckoutSessionId: session.id,
        stripePaymentIntentId: idOf(session.payment_intent),
        customerId: customer?.id ?? null,
        stripeCustomerId,
        status: statusOf(session, outcome),
        currency: session.currency ?? 'usd',
        amountTotal: session.amount_total ?? 0,
      });
      const items: OrderItemRow[] = (session.line_items?.data ?? []).map((line) => ({
        stripe_line_item_id: line.id,
        stripe_price_id: line.price?.id ?? '',
        stripe_product_id: idOf(line.price?.product) ?? '',
        description: line.description ?? null,
        quantity: line.quantity ?? 1,
        currency: line.currency,
        amount_total: line.amount_total,
      }));
      await repo.replaceOrderItems(client, order.id, items);
      return order;
    },

    /** Applies the charge's cumulative refunded amount to its order; undefined when no order has it. */
    async applyChargeRefund(
      client: PoolClient,
      stripeChargeId: string,
    ): Promise<{ order: OrderRow | undefined; invoiceCharge: boolean }> {
      const charge = await unlessNotFound(stripe.retrieveCharge(stripeChargeId));
      // Unknown to Stripe (another account's or a deleted test object): nothing of ours to change.
      if (charge === undefined) return { order: undefined, invoiceCharge: true };
      const paymentIntentId = idOf(charge.payment_intent);
      const order =
        paymentIntentId === null
          ? undefined
          : await repo.applyRefundedAmount(client, paymentIntentId, charge.amount_refunded);
      const invoiceId = (charge as { invoice?: string | { id: string } | null }).invoice;
      return { order, invoiceCharge: invoiceId !== undefined && invoiceId !== null };
    },

    async listForCustomer(customerId) {
      const orders = await repo.listOrdersOfCustomer(pool, customerId);
      const items = await repo.listItemsOfOrders(
        pool,
        orders.map((order) => order.id),
      );
      return orders.map((order) => ({ ...order, items: items.filter((item) => item.order_id === order.id) }));
    },
  };
}
