// One-time orders, from checkout sessions in payment mode and refunds of their charges. The session is always
// refetched (with its line items) through the gateway: the event says only which session changed. Stripe is
// asked before the event's transaction opens (fetchCheckoutSession, fetchCharge), never inside it.
import type { Pool, PoolClient } from '../db/pool.js';
import type { CustomersService } from '../customers/customers.service.js';
import { unlessNotFound } from '../stripe/call-outcomes.js';
import type { StripeGateway } from '../stripe/gateway.js';
import { AppError } from '../errors.js';
import { pageOf, unknownCursor, type Page, type PageRequest } from '../db/page.js';
import type { OutboxService } from '../outbox/outbox.service.js';
import * as history from './order-history.repo.js';
import type { OrderWithCustomer, RefundRow } from './order-history.repo.js';
import * as refundsRepo from './order-refunds.repo.js';
import type { StripeCharge, StripeCheckoutSession, StripeRefund } from '../stripe/stripe-objects.js';
import type { Queryable } from '../db/queryable.js';
import * as repo from './orders.repo.js';
import type { OrderItemRow, OrderRow, OrderStatus } from './orders.repo.js';

export type { OrderRow, OrderItemRow } from './orders.repo.js';
export type { RefundRow } from './order-history.repo.js';

/** An order as the history routes show it: its lines and its refunds. */
export type OrderDetail = OrderWithCustomer & { items: OrderItemRow[]; refunds: RefundRow[] };

/** `client` is the webhook's transaction: the order commits with the event. */
export interface OrdersService {
  /** The session with its line items, from Stripe (undefined when Stripe does not know it). */
  fetchCheckoutSession: (stripeSessionId: string) => Promise<StripeCheckoutSession | undefined>;
  /** Creates or advances the order of a payment-mode session (as fetched); undefined for other modes. */
  applyCheckoutSession: (
    client: PoolClient,
    session: StripeCheckoutSession | undefined,
    outcome: SessionOutcome,
  ) => Promise<OrderRow | undefined>;
  /** The charge with its refunds, from Stripe (undefined when Stripe does not know it). */
  fetchCharge: (stripeChargeId: string) => Promise<StripeCharge | undefined>;
  /**
   * Applies the (fetched) charge's cumulative refunded amount to its order (undefined when no order has it);
   * `invoiceCharge` says whether the charge paid an invoice (or is unknown to Stripe), so no order is to come.
   */
  applyChargeRefund: (
    client: PoolClient,
    charge: StripeCharge | undefined,
  ) => Promise<{ order: OrderRow | undefined; invoiceCharge: boolean }>;
  /** The payment intent a dispute's charge paid: the dispute's own, else its charge's, from Stripe. */
  findDisputedPaymentIntent: (dispute: {
    charge: string | null;
    payment_intent: string | null;
  }) => Promise<string | null>;
  /**
   * A dispute of the charge that paid an order (charge.dispute.*, applied from the event's dispute: a late
   * "opened" never reopens one Stripe closed). Undefined when no order of ours has the payment intent.
   */
  applyDispute: (
    client: PoolClient,
    dispute: { id: string; status: string; payment_intent: string | null },
  ) => Promise<OrderRow | undefined>;
  /** The order (404 for an unknown id). */
  get: (orderId: string) => Promise<OrderDetail>;
  /** The external_id of the customer owning the order; undefined for an unknown order. */
  findCustomerOf: (orderId: string) => Promise<string | undefined>;
  findOfCheckoutSession: (stripeSessionId: string) => Promise<OrderWithCustomer | undefined>;
  /** A customer's orders, newest first, a page at a time. */
  listForCustomer: (customerId: string, page: PageRequest) => Promise<Page<OrderDetail>>;
}

/** What the event said happened, beside the session's own state. */
export type SessionOutcome = 'completed' | 'payment_succeeded' | 'payment_failed';

const idOf = (value: string | { id: string } | null | undefined) =>
  value === null || value === undefined ? null : typeof value === 'string' ? value : value.id;

export function createOrdersService(options: {
  pool: Pool;
  stripe: StripeGateway;
  customers: CustomersService;
  outbox: Pick<OutboxService, 'append'>;
}): OrdersService {
  const { pool, stripe, customers } = options;

  async function announce(
    type: 'order.paid' | 'order.refunded',
    order: OrderRow,
    db: Queryable,
  ): Promise<void> {
    if (order.customer_id === null) return;
    await options.outbox.append(db, {
      customerId: order.customer_id,
      type,
      data: {
        order: {
          id: order.id,
          status: order.status,
          currency: order.currency,
          amount_total: Number(order.amount_total),
          amount_refunded: Number(order.amount_refunded),
          checkout_session: order.stripe_checkout_session_id,
        },
      },
    });
  }

  async function withLinesAndRefunds(orders: OrderWithCustomer[]): Promise<OrderDetail[]> {
    const ids = orders.map((order) => order.id);
    const [items, refunds] = await Promise.all([
      repo.listItemsOfOrders(pool, ids),
      history.listRefundsOfOrders(pool, ids),
    ]);
    return orders.map((order) => ({
      ...order,
      items: items.filter((item) => item.order_id === order.id),
      refunds: refunds.filter((refund) => refund.order_id === order.id),
    }));
  }

  function statusOf(session: StripeCheckoutSession, outcome: SessionOutcome): OrderStatus {
    if (session.payment_status === 'paid' || session.payment_status === 'no_payment_required') return 'paid';
    return outcome === 'payment_failed' ? 'failed' : 'pending';
  }

  return {
    fetchCheckoutSession: (stripeSessionId) =>
      unlessNotFound(stripe.retrieveCheckoutSession(stripeSessionId)),

    /**
     * Creates or advances the order of a payment-mode session; undefined for other modes. `client` is the
     * webhook's transaction (required: the order commits with the event).
     */
    async applyCheckoutSession(
      client: PoolClient,
      session: StripeCheckoutSession | undefined,
      outcome: SessionOutcome,
    ): Promise<OrderRow | undefined> {
      if (session === undefined || session.mode !== 'payment') return undefined;
      const stripeCustomerId = idOf(session.customer);
      const customer =
        stripeCustomerId === null
          ? undefined
          : await customers.findByStripeCustomerId(client, stripeCustomerId);
      await repo.lockOrderOfSession(client, session.id);
      const previous = await history.findOrderOfCheckoutSession(client, session.id);
      const order = await repo.upsertOrder(client, {
        stripeCheckoutSessionId: session.id,
        stripePaymentIntentId: idOf(session.payment_intent),
        customerId: customer?.id ?? null,
        stripeCustomerId,
        status: statusOf(session, outcome),
        currency: session.currency ?? 'usd',
        amountTotal: session.amount_total ?? 0,
        stripeCreated: new Date(session.created * 1000),
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
      if (order.status === 'paid' && previous?.status !== 'paid') await announce('order.paid', order, client);
      return order;
    },

    /**
     * Applies the charge's cumulative refunded amount to its order, and stores each of its refunds (ours are
     * linked by their billing_refund_id); undefined when no order has it.
     */
    fetchCharge: (stripeChargeId) => unlessNotFound(stripe.retrieveCharge(stripeChargeId)),

    async applyChargeRefund(
      client: PoolClient,
      charge: StripeCharge | undefined,
    ): Promise<{ order: OrderRow | undefined; invoiceCharge: boolean }> {
      // Unknown to Stripe (another account's or a deleted test object): nothing of ours to change.
      if (charge === undefined) return { order: undefined, invoiceCharge: true };
      const paymentIntentId = idOf(charge.payment_intent);
      const order =
        paymentIntentId === null
          ? undefined
          : await repo.applyRefundedAmount(client, paymentIntentId, charge.amount_refunded);
      if (order !== undefined) {
        for (const refund of charge.refunds?.data ?? []) {
          await storeStripeRefund(client, order.id, refund);
        }
        if (Number(order.amount_refunded) > Number(order.previous_amount_refunded)) {
          await announce('order.refunded', order, client);
        }
      }
      const invoiceId = charge.invoice;
      return { order, invoiceCharge: invoiceId !== undefined && invoiceId !== null };
    },

    /**
     * A dispute of the charge that paid an order (charge.dispute.*, applied from the event's dispute: a late
     * "opened" never reopens one Stripe closed). Undefined when no order of ours has the charge.
     */
    async findDisputedPaymentIntent(dispute) {
      if (dispute.payment_intent !== null || dispute.charge === null) return dispute.payment_intent;
      return idOf((await unlessNotFound(stripe.retrieveCharge(dispute.charge)))?.payment_intent);
    },

    async applyDispute(client, dispute) {
      if (dispute.payment_intent === null) return undefined;
      return repo.applyDisputeStatus(client, dispute.payment_intent, dispute);
    },

    /** The order (404 for an unknown id). */
    async get(orderId: string): Promise<OrderDetail> {
      const order = await history.findOrder(pool, orderId);
      if (order === undefined) throw new AppError('not_found', `id: no order ${orderId}`, { param: 'id' });
      const [detail] = await withLinesAndRefunds([order]);
      return detail as OrderDetail;
    },

    async findCustomerOf(orderId: string): Promise<string | undefined> {
      return (await history.findOrder(pool, orderId))?.customer_external_id ?? undefined;
    },

    async findOfCheckoutSession(stripeSessionId: string): Promise<OrderWithCustomer | undefined> {
      return history.findOrderOfCheckoutSession(pool, stripeSessionId);
    },

    /** A customer's orders, newest first, a page at a time. */
    async listForCustomer(customerId: string, page: PageRequest): Promise<Page<OrderDetail>> {
      if (
        page.startingAfter !== undefined &&
        !(await history.isOrderOfCustomer(pool, customerId, page.startingAfter))
      ) {
        throw unknownCursor('an order of this customer', page.startingAfter);
      }
      const rows = await history.listOrdersOfCustomer(pool, customerId, {
        startingAfter: page.startingAfter,
        limit: page.limit + 1,
      });
      const listed = pageOf(rows, page.limit);
      return { data: await withLinesAndRefunds(listed.data), hasMore: listed.hasMore };
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Stripe's refund statuses as ours: requires_action is pending for us (the money has not moved back yet). */
export function refundStatusOf(status: string | null): refundsRepo.RefundStatus {
  if (status === 'succeeded' || status === 'failed' || status === 'canceled') return status;
  return 'pending';
}

export function refundStateOf(refund: StripeRefund): refundsRepo.StripeRefundState {
  return {
    stripeRefundId: refund.id,
    amount: refund.amount,
    reason: ['duplicate', 'fraudulent', 'requested_by_customer'].includes(refund.reason ?? '')
      ? refund.reason
      : null,
    status: refundStatusOf(refund.status),
    failureReason: refund.failure_reason ?? null,
  };
}

async function storeStripeRefund(client: PoolClient, orderId: string, refund: StripeRefund): Promise<void> {
  const state = refundStateOf(refund);
  const ours = refund.metadata?.billing_refund_id;
  if (ours !== undefined && UUID.test(ours)) {
    const linked = await refundsRepo.linkStripeRefund(client, { id: ours, orderId }, state);
    if (linked !== undefined) return;
  }
  await refundsRepo.upsertStripeRefund(client, orderId, state);
}
