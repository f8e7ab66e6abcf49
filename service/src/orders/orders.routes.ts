// Order history and refunds: a customer's orders (newest first, paginated), one order with its lines and
// refunds, and a full or partial refund of it.
import type { CustomersService } from '../customers/customers.service.js';
import { ExternalIdParams } from '../customers/customers.schemas.js';
import {
  errorResponses,
  IdempotencyKeyHeader,
  PageQuerystring,
  STRIPE_ERROR_STATUSES,
} from '../http/api-schemas.js';
import type { AppInstance } from '../http/app-instance.js';
import type { OrderRefundsService } from './order-refunds.service.js';
import { OrderIdParams, OrderPage, OrderView, RefundBody, RefundResponse } from './orders.schemas.js';
import type { OrderDetail, OrdersService, RefundRow } from './orders.service.js';

const iso = (date: Date | null) => date?.toISOString() ?? null;

function refundView(refund: RefundRow) {
  return {
    id: refund.id,
    order: refund.order_id,
    amount: Number(refund.amount),
    reason: refund.reason,
    status: refund.status,
    stripe_refund_id: refund.stripe_refund_id,
    failure_reason: refund.failure_reason,
    created_at: refund.created_at.toISOString(),
  };
}

export function orderView(order: OrderDetail) {
  return {
    id: order.id,
    customer: order.customer_external_id,
    status: order.status,
    currency: order.currency,
    amount_total: Number(order.amount_total),
    amount_refunded: Number(order.amount_refunded),
    checkout_session: order.stripe_checkout_session_id,
    payment_intent: order.stripe_payment_intent_id,
    dispute:
      order.stripe_dispute_id === null
        ? null
        : { id: order.stripe_dispute_id, status: order.dispute_status ?? 'unknown' },
    lines: order.items.map((item) => ({
      price: item.stripe_price_id,
      product: item.stripe_product_id,
      description: item.description,
      quantity: item.quantity,
      amount_total: Number(item.amount_total),
    })),
    refunds: order.refunds.map(refundView),
    paid_at: iso(order.paid_at),
    refunded_at: iso(order.refunded_at),
    created_at: order.created_at.toISOString(),
  };
}

export function registerOrderRoutes(
  app: AppInstance,
  dependencies: { customers: CustomersService; orders: OrdersService; orderRefunds: OrderRefundsService },
): void {
  const { customers, orders, orderRefunds } = dependencies;

  app.get(
    '/v1/customers/:external_id/orders',
    {
      schema: {
        tags: ['orders'],
        summary: "A customer's one-time orders, newest first (cursor pagination)",
        params: ExternalIdParams,
        querystring: PageQuerystring(OrderIdParams.properties.id),
        response: { 200: OrderPage, ...errorResponses(404) },
      },
    },
    async (request) => {
      const customer = await customers.getByExternalId(request.params.external_id);
      const page = await orders.listForCustomer(customer.id, {
        startingAfter: request.query.starting_after,
        limit: request.query.limit,
      });
      return { data: page.data.map(orderView), has_more: page.hasMore };
    },
  );

  app.get(
    '/v1/orders/:id',
    {
      schema: {
        tags: ['orders'],
        summary: 'One order: lines, amounts, status, refunds',
        params: OrderIdParams,
        response: { 200: OrderView, ...errorResponses(404) },
      },
    },
    async (request) => orderView(await orders.get(request.params.id)),
  );

  app.post(
    '/v1/orders/:id/refunds',
    {
      schema: {
        tags: ['orders'],
        summary: 'Refund an order in full (no amount) or in part, never more than remains',
        description:
          "The order's status and refunded amount follow when Stripe's charge.refunded event is applied; a full " +
          'refund revokes what the order granted unless another order or subscription grants it too.',
        params: OrderIdParams,
        headers: IdempotencyKeyHeader,
        body: RefundBody,
        response: { 201: RefundResponse, ...errorResponses(404, 409, 422, ...STRIPE_ERROR_STATUSES) },
      },
    },
    async (request, reply) => {
      const key = request.idempotencyKey;
      const refund = await orderRefunds.refund(request.params.id, {
        amount: request.body.amount,
        reason: request.body.reason,
        requestKey:
          key === undefined || request.apiKey === undefined ? undefined : `${request.apiKey.id}:${key}`,
      });
      return reply.status(201).send(refundView(refund));
    },
  );
}
