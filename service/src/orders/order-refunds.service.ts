// Refunds of one-time orders, in two steps as checkout sessions are made: (1) under the order's row lock, what
// remains refundable is checked against every live refund of the order and our intent row is written; (2) the
// Stripe refund is created with an idempotency key derived from that row. Concurrent refunds of one order are
// decided one after the other, so together they never exceed what the order paid; a retry of the same request
// (same Idempotency-Key) resumes its row and gets the same Stripe refund. The order itself follows Stripe's
// charge events (orders.service.ts#applyChargeRefund).
import { withTransaction } from '../db/transaction.js';
import type { Pool } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { StripeGateway } from '../stripe/gateway.js';
import { isRefusedByStripe, retryWhileInFlight } from '../stripe/call-outcomes.js';
import type { RefundRow } from './order-history.repo.js';
import * as repo from './order-refunds.repo.js';
import { refundStateOf } from './orders.service.js';

export type RefundReason = 'duplicate' | 'fraudulent' | 'requested_by_customer';

export interface RefundRequest {
  amount?: number | undefined;
  reason?: RefundReason | undefined;
  /** The caller's Idempotency-Key (with its API key), when it sent one: a retry resumes the same refund. */
  requestKey?: string | undefined;
}

export interface OrderRefundsService {
  /**
   * Refunds all that remains of a paid one-time order, or `amount` of it (never more than remains), and returns
   * our refund row, with its Stripe refund once created; the same `requestKey` again resumes the same refund.
   */
  refund(orderId: string, request: RefundRequest): Promise<RefundRow>;
}

/** A dispute in one of these states holds the charge: Stripe refuses refunds of it, so do we. */
const OPEN_DISPUTE_STATUSES = [
  'warning_needs_response',
  'warning_under_review',
  'needs_response',
  'under_review',
];

export function stripeRefundIdempotencyKey(refundId: string): string {
  return `billing-order-refund:${refundId}`;
}

export function createOrderRefundsService(options: {
  pool: Pool;
  stripe: StripeGateway;
}): OrderRefundsService {
  const { pool, stripe } = options;

  /** Step 1: the intent, or the earlier one of the same request. */
  async function reserve(orderId: string, request: RefundRequest) {
    return withTransaction(pool, async (client) => {
      const order = await repo.lockOrder(client, orderId);
      if (order === undefined) throw new AppError('not_found', `id: no order ${orderId}`, { param: 'id' });
      if (request.requestKey !== undefined) {
        const earlier = await repo.findRefundOfRequest(client, orderId, request.requestKey);
        if (earlier !== undefined) {
          if (request.amount !== undefined && Number(earlier.amount) !== request.amount) {
            throw new AppError(
              'unprocessable_entity',
              `Idempotency-Key: used for a refund of ${earlier.amount} already`,
            );
          }
          return { order, refund: earlier };
        }
      }
      if (order.status !== 'paid' && order.status !== 'partially_refunded') {
        throw new AppError(
          'conflict',
          order.status === 'refunded'
            ? `Order ${orderId} is refunded in full already`
            : `Order ${orderId} is ${order.status}: only a paid order can be refunded`,
        );
      }
      if (order.stripe_payment_intent_id === null) {
        throw new AppError('conflict', `Order ${orderId} has no payment to refund`);
      }
      if (order.dispute_status !== null && OPEN_DISPUTE_STATUSES.includes(order.dispute_status)) {
        throw new AppError('conflict', `Order ${orderId} has an open dispute: it cannot be refunded now`);
      }
      const reserved = Math.max(
        await repo.sumReservedRefunds(client, orderId),
        Number(order.amount_refunded),
      );
      const remaining = Number(order.amount_total) - reserved;
      if (remaining <= 0) throw new AppError('conflict', `Order ${orderId} is refunded in full already`);
      const amount = request.amount ?? remaining;
      if (amount > remaining) {
        throw new AppError(
          'validation_failed',
          `amount: ${amount} is more than the ${remaining} ${order.currency} that remain refundable`,
          { param: 'amount' },
        );
      }
      const refund = await repo.insertRefund(client, {
        orderId,
        amount,
        reason: request.reason ?? null,
        requestKey: request.requestKey ?? null,
      });
      return { order, refund };
    });
  }

  /** Step 2: Stripe's refund for the intent; a refusal releases what the intent reserved. */
  async function createAtStripe(refund: RefundRow, paymentIntentId: string): Promise<RefundRow> {
    const params = {
      payment_intent: paymentIntentId,
      amount: Number(refund.amount),
      ...(refund.reason === null ? {} : { reason: refund.reason as RefundReason }),
      metadata: { billing_refund_id: refund.id, billing_order_id: refund.order_id },
    };
    try {
      const created = await retryWhileInFlight(() =>
        stripe.createRefund(params, stripeRefundIdempotencyKey(refund.id)),
      );
      const linked = await repo.linkStripeRefund(
        pool,
        { id: refund.id, orderId: refund.order_id },
        refundStateOf(created),
      );
      if (linked === undefined) throw new AppError('internal', `Refund ${refund.id} vanished`);
      return linked;
    } catch (error) {
      // Refused by Stripe: the intent is failed and reserves nothing. An outage or a timeout leaves it
      // "creating": the retry with the same Idempotency-Key resumes it with the same Stripe key.
      if (isRefusedByStripe(error)) await repo.markRefundFailed(pool, refund.id, (error as Error).message);
      throw error;
    }
  }

  return {
    async refund(orderId: string, request: RefundRequest): Promise<RefundRow> {
      const { order, refund } = await reserve(orderId, request);
      if (refund.status !== 'creating' || order.stripe_payment_intent_id === null) return refund;
      return createAtStripe(refund, order.stripe_payment_intent_id);
    },
  };
}
