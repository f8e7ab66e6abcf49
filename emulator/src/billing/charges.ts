// The charge object: one attempt of a payment intent, succeeded or failed, with its balance transaction.
import type { EmulatorContext } from '../core/context.js';
import { newId } from '../core/ids.js';
import type { StripeObject } from '../core/store.js';
import type { PaymentMethod } from './payment-methods.js';
import type { CardDecline } from './test-cards.js';

export interface Charge extends StripeObject {
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  balance_transaction: string | null;
  created: number;
  currency: string;
  customer: string | null;
  metadata: Record<string, string>;
  paid: boolean;
  payment_intent: string | null;
  payment_method: string | null;
  refunded: boolean;
  status: 'succeeded' | 'pending' | 'failed';
  refunds: { object: 'list'; data: StripeObject[]; has_more: boolean; url: string };
  [key: string]: unknown;
}

export function charges(context: EmulatorContext) {
  return context.state.table<Charge>('charge');
}

export interface ChargeInput {
  amount: number;
  currency: string;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
  paymentIntentId: string;
  paymentMethod: PaymentMethod;
  status: Charge['status'];
  decline?: CardDecline;
  receiptEmail: string | null;
  now: number;
  /** Manual capture: the card is authorized (`succeeded`, `paid`) but not captured until the capture call. */
  uncaptured?: boolean;
}

/** A charge as Stripe records one attempt of a payment intent, with its balance transaction once it succeeded. */
export function createCharge(context: EmulatorContext, input: ChargeInput): Charge {
  const id = newId('ch');
  const succeeded = input.status === 'succeeded';
  const charge: Charge = {
    id,
    object: 'charge',
    amount: input.amount,
    amount_captured: succeeded ? input.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: input.paymentMethod.billing_details,
    calculated_statement_descriptor: 'STRIPE EMULATOR',
    captured: succeeded,
    created: input.now,
    currency: input.currency,
    customer: input.customer,
    description: input.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: input.decline?.code ?? null,
    failure_message: input.decline?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: { ...input.metadata },
    on_behalf_of: null,
    outcome: outcomeFor(input.status, input.decline),
    paid: succeeded,
    payment_intent: input.paymentIntentId,
    payment_method: input.paymentMethod.id,
    payment_method_details: paymentMethodDetails(input.paymentMethod, input.amount),
    radar_options: {},
    receipt_email: input.receiptEmail,
    receipt_number: null,
    receipt_url: `${context.baseUrl}/receipts/${id}`,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false, url: `/v1/charges/${id}/refunds` },
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: input.status,
    transfer_data: null,
    transfer_group: null,
  };
  if (succeeded && input.uncaptured) {
    charge.captured = false;
    charge.amount_captured = 0;
  } else if (succeeded) markChargeSucceeded(context, charge, input.now);
  charges(context).insert(charge);
  return charge;
}

/** Marks a (pending or uncaptured) charge succeeded and captured, and books its balance transaction. */
export function markChargeSucceeded(
  context: EmulatorContext,
  charge: Charge,
  now: number,
  amountCaptured = charge.amount,
): void {
  charge.status = 'succeeded';
  charge.paid = true;
  charge.captured = true;
  charge.amount_captured = amountCaptured;
  charge.outcome = outcomeFor('succeeded');
  charge.balance_transaction = createBalanceTransaction(context, {
    amount: charge.amount,
    currency: charge.currency,
    source: charge.id,
    type: 'charge',
    description: typeof charge.description === 'string' ? charge.description : null,
    now,
  });
}

export function markChargeFailed(charge: Charge, decline: CardDecline): void {
  charge.status = 'failed';
  charge.failure_code = decline.code;
  charge.failure_message = decline.message;
  charge.outcome = outcomeFor('failed', decline);
}

export function createBalanceTransaction(
  context: EmulatorContext,
  input: {
    amount: number;
    currency: string;
    source: string;
    type: 'charge' | 'refund';
    description: string | null;
    now: number;
  },
): string {
  const fee = input.type === 'charge' ? Math.round(input.amount * 0.029) + 30 : 0;
  const transaction = {
    id: newId('txn'),
    object: 'balance_transaction',
    amount: input.amount,
    available_on: input.now + 2 * 86_400,
    balance_type: 'payments',
    created: input.now,
    currency: input.currency,
    description: input.description,
    exchange_rate: null,
    fee,
    fee_details:
      fee > 0
        ? [
            {
              amount: fee,
              application: null,
              currency: input.currency,
              description: 'Stripe processing fees',
              type: 'stripe_fee',
            },
          ]
        : [],
    net: input.amount - fee,
    reporting_category: input.type === 'charge' ? 'charge' : 'refund',
    source: input.source,
    status: 'pending',
    type: input.type,
  };
  context.state.table('balance_transaction').insert(transaction);
  return transaction.id;
}

function outcomeFor(status: Charge['status'], decline?: CardDecline): Record<string, unknown> {
  if (status === 'failed') {
    return {
      advice_code: 'try_again_later',
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'declined_by_network',
      reason: decline?.decline_code ?? 'generic_decline',
      risk_level: 'normal',
      risk_score: 40,
      seller_message: 'The bank did not return any further details with this decline.',
      type: 'issuer_declined',
    };
  }
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: 'approved_by_network',
    reason: null,
    risk_level: 'normal',
    risk_score: 32,
    seller_message: status === 'pending' ? 'The payment is pending.' : 'Payment complete.',
    type: 'authorized',
  };
}

function paymentMethodDetails(paymentMethod: PaymentMethod, amount: number): Record<string, unknown> {
  if (paymentMethod.type === 'customer_balance') return { type: 'customer_balance', customer_balance: {} };
  if (paymentMethod.type === 'sepa_debit') {
    return { type: 'sepa_debit', sepa_debit: { ...paymentMethod.sepa_debit, mandate: null } };
  }
  if (paymentMethod.type === 'us_bank_account') {
    return {
      type: 'us_bank_account',
      us_bank_account: { ...paymentMethod.us_bank_account, payment_reference: null },
    };
  }
  const card = paymentMethod.card ?? {};
  return {
    type: 'card',
    card: {
      amount_authorized: amount,
      authorization_code: '123456',
      brand: card.brand,
      checks: card.checks,
      country: card.country,
      exp_month: card.exp_month,
      exp_year: card.exp_year,
      extended_authorization: { status: 'disabled' },
      fingerprint: card.fingerprint,
      funding: card.funding,
      incremental_authorization: { status: 'unavailable' },
      installments: null,
      last4: card.last4,
      mandate: null,
      multicapture: { status: 'unavailable' },
      network: card.brand,
      network_token: { used: false },
      network_transaction_id: '000000000000000',
      overcapture: { maximum_amount_capturable: amount, status: 'unavailable' },
      regulated_status: 'unregulated',
      three_d_secure: null,
      transaction_link_id: null,
      wallet: null,
    },
  };
}
