// The refund object: refunding a succeeded charge in full or in part.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { StripeObject } from '../core/store.js';
import { createBalanceTransaction, type Charge } from './charges.js';
import { clockOfCustomer, emitOn, nowOn } from './time.js';

export interface Refund extends StripeObject {
  object: 'refund';
  amount: number;
  charge: string;
  created: number;
  currency: string;
  metadata: Record<string, string>;
  payment_intent: string | null;
  status: 'succeeded' | 'pending' | 'failed' | 'canceled';
  [key: string]: unknown;
}

export function refunds(context: EmulatorContext) {
  return context.state.table<Refund>('refund');
}

/** Refunds a succeeded charge in full or in part; card refunds succeed at once, as in Stripe's test mode. */
export function refundCharge(
  context: EmulatorContext,
  charge: Charge,
  input: { amount?: number; reason: string | null; metadata: Record<string, string> },
): Refund {
  if (charge.status !== 'succeeded') {
    throw invalidRequest(
      `Charge ${charge.id} has not succeeded and cannot be refunded.`,
      'charge',
      'charge_not_refundable',
    );
  }
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining <= 0) {
    throw invalidRequest(
      `Charge ${charge.id} has already been refunded.`,
      'charge',
      'charge_already_refunded',
    );
  }
  const amount = input.amount ?? remaining;
  if (amount <= 0) throw invalidRequest('Invalid positive integer', 'amount');
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${formatMinor(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatMinor(remaining, charge.currency)})`,
      'amount',
      'amount_too_large',
    );
  }
  const clock = clockOfCustomer(context, charge.customer);
  const now = nowOn(context, clock);
  const refund: Refund = {
    id: newId('re'),
    object: 'refund',
    amount,
    balance_transaction: null,
    charge: charge.id,
    created: now,
    currency: charge.currency,
    customer: charge.customer,
    customer_account: null,
    destination_details: {
      card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
      type: 'card',
    },
    metadata: input.metadata,
    payment_intent: charge.payment_intent,
    payment_method: charge.payment_method,
    reason: input.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
  refund.balance_transaction = createBalanceTransaction(context, {
    amount: -amount,
    currency: charge.currency,
    source: refund.id,
    type: 'refund',
    description: null,
    now,
  });
  refunds(context).insert(refund);
  const before = {
    amount_refunded: charge.amount_refunded,
    refunded: charge.refunded,
    refunds: structuredClone(charge.refunds),
  };
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded >= charge.amount;
  charge.refunds.data.unshift(refund);
  emitOn(context, clock, 'refund.created', refund);
  emitOn(context, clock, 'charge.refunded', charge, before);
  return refund;
}

function formatMinor(amount: number, currency: string): string {
  return `${currency === 'usd' ? '$' : `${currency.toUpperCase()} `}${(amount / 100).toFixed(2)}`;
}
