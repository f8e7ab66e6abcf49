// The payment intent object and its lifecycle: create, confirm with a payment method, cancel, settle.
import type { EmulatorContext } from '../core/context.js';
import { StripeError, type StripeErrorFields } from '../core/errors.js';
import { newClientSecret, newId } from '../core/ids.js';
import type { StripeObject } from '../core/store.js';
import { openDispute } from './disputes.js';
import { createCharge, markChargeFailed, markChargeSucceeded, charges, type Charge } from './charges.js';
import {
  behaviourOf,
  recordSuccessfulCharge,
  paymentMethods,
  type PaymentMethod,
} from './payment-methods.js';
import type { CardDecline } from './test-cards.js';
import { emitOn, nowOn, type ClockId } from './time.js';

export interface PaymentIntent extends StripeObject {
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  created: number;
  currency: string;
  customer: string | null;
  description: string | null;
  latest_charge: string | null;
  metadata: Record<string, string>;
  payment_method: string | null;
  status:
    | 'requires_payment_method'
    | 'requires_confirmation'
    | 'requires_action'
    | 'requires_capture'
    | 'processing'
    | 'succeeded'
    | 'canceled';
  last_payment_error: Record<string, unknown> | null;
  [key: string]: unknown;
}

export type PaymentOutcome =
  | { status: 'succeeded'; charge: Charge }
  | { status: 'processing'; charge: Charge }
  | { status: 'requires_action' }
  | { status: 'declined'; charge: Charge; decline: CardDecline };

/**
 * The 402 `card_error` an API call answers when its payment declined, naming the failed charge (`extra` adds fields
 * some endpoints carry, e.g. the payment intent).
 */
export function declinedPaymentError(
  outcome: Extract<PaymentOutcome, { status: 'declined' }>,
  extra: Pick<StripeErrorFields, 'doc_url' | 'payment_intent'> = {},
): StripeError {
  return new StripeError(402, 'card_error', outcome.decline.message, {
    code: outcome.decline.code,
    decline_code: outcome.decline.decline_code,
    charge: outcome.charge.id,
    ...extra,
  });
}

/** Seconds after which a bank debit (`processing`) settles; the time engine settles it. */
export const BANK_DEBIT_SETTLE_SECONDS = 60;

export function paymentIntents(context: EmulatorContext) {
  return context.state.table<PaymentIntent>('payment_intent');
}

export interface PaymentIntentInput {
  amount: number;
  currency: string;
  customer: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  paymentMethod?: string | null;
  receiptEmail?: string | null;
  setupFutureUsage?: string | null;
  captureMethod?: 'automatic' | 'automatic_async' | 'manual';
  clock: ClockId;
}

export function createPaymentIntent(context: EmulatorContext, input: PaymentIntentInput): PaymentIntent {
  const id = newId('pi');
  const paymentIntent: PaymentIntent = {
    id,
    object: 'payment_intent',
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: input.captureMethod ?? 'automatic',
    client_secret: newClientSecret(id),
    confirmation_method: 'automatic',
    created: nowOn(context, input.clock),
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    description: input.description ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: { ...(input.metadata ?? {}) },
    next_action: null,
    on_behalf_of: null,
    payment_method: input.paymentMethod ?? null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: ['card'],
    processing: null,
    receipt_email: input.receiptEmail ?? null,
    review: null,
    setup_future_usage: input.setupFutureUsage ?? null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: input.paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
  paymentIntents(context).insert(paymentIntent);
  emitOn(context, input.clock, 'payment_intent.created', paymentIntent);
  return paymentIntent;
}

/**
 * Confirms a payment intent with its payment method: one charge attempt, with the events Stripe sends for it.
 * `authenticated` stands for a customer completing 3D Secure on a hosted page.
 */
export function confirmPaymentIntent(
  context: EmulatorContext,
  paymentIntent: PaymentIntent,
  paymentMethod: PaymentMethod,
  clock: ClockId,
  options: { authenticated?: boolean } = {},
): PaymentOutcome {
  const now = nowOn(context, clock);
  const behaviour = behaviourOf(context, paymentMethod.id);
  paymentIntent.payment_method = paymentMethod.id;
  paymentIntent.payment_method_types = [paymentMethod.type];
  paymentIntent.last_payment_error = null;
  paymentIntent.next_action = null;

  if (behaviour.card?.behaviour === 'requires_action' && !options.authenticated) {
    paymentIntent.status = 'requires_action';
    paymentIntent.next_action = {
      type: 'use_stripe_sdk',
      use_stripe_sdk: { type: 'three_d_secure_redirect' },
    };
    emitOn(context, clock, 'payment_intent.requires_action', paymentIntent);
    return { status: 'requires_action' };
  }

  const card = behaviour.card;
  const declines = card?.behaviour === 'declines' || card?.behaviour === 'attaches_then_declines';
  const chargeStatus: Charge['status'] = declines
    ? 'failed'
    : behaviour.bankOutcome
      ? 'pending'
      : 'succeeded';
  const decline = declines ? card?.decline : undefined;
  const charge = createCharge(context, {
    amount: paymentIntent.amount,
    currency: paymentIntent.currency,
    customer: paymentIntent.customer,
    description: paymentIntent.description,
    metadata: paymentIntent.metadata,
    paymentIntentId: paymentIntent.id,
    paymentMethod,
    status: chargeStatus,
    ...(decline ? { decline } : {}),
    receiptEmail: paymentIntent.receipt_email as string | null,
    now,
    uncaptured: paymentIntent.capture_method === 'manual',
  });
  paymentIntent.latest_charge = charge.id;

  if (decline) {
    failPaymentIntent(context, paymentIntent, charge, paymentMethod, decline, clock);
    return { status: 'declined', charge, decline };
  }
  if (chargeStatus === 'pending') {
    paymentIntent.status = 'processing';
    paymentIntent.processing = null;
    emitOn(context, clock, 'payment_intent.processing', paymentIntent);
    emitOn(context, clock, 'charge.pending', charge);
    return { status: 'processing', charge };
  }
  if (paymentIntent.capture_method === 'manual') {
    // Authorized only: the amount waits to be captured (`POST /v1/payment_intents/:id/capture`).
    paymentIntent.status = 'requires_capture';
    paymentIntent.amount_capturable = paymentIntent.amount;
    emitOn(context, clock, 'charge.succeeded', charge);
    emitOn(context, clock, 'payment_intent.amount_capturable_updated', paymentIntent);
    return { status: 'succeeded', charge };
  }
  succeedPaymentIntent(context, paymentIntent, charge, clock);
  return { status: 'succeeded', charge };
}

/** Captures an authorized payment in full or in part (`amount_to_capture`): `charge.captured`, then succeeded. */
export function capturePaymentIntent(
  context: EmulatorContext,
  paymentIntent: PaymentIntent,
  amountToCapture: number,
  clock: ClockId,
): void {
  const charge = paymentIntent.latest_charge ? charges(context).get(paymentIntent.latest_charge) : undefined;
  if (!charge) throw new Error(`payment intent ${paymentIntent.id} has no charge to capture`);
  const before = { captured: charge.captured, amount_captured: charge.amount_captured };
  markChargeSucceeded(context, charge, nowOn(context, clock), amountToCapture);
  paymentIntent.amount_capturable = 0;
  emitOn(context, clock, 'charge.captured', charge, before);
  paymentIntent.status = 'succeeded';
  paymentIntent.amount_received = amountToCapture;
  emitOn(context, clock, 'payment_intent.succeeded', paymentIntent);
}

function succeedPaymentIntent(
  context: EmulatorContext,
  paymentIntent: PaymentIntent,
  charge: Charge,
  clock: ClockId,
): void {
  paymentIntent.status = 'succeeded';
  paymentIntent.amount_received = paymentIntent.amount;
  if (paymentIntent.payment_method) recordSuccessfulCharge(context, paymentIntent.payment_method);
  emitOn(context, clock, 'charge.succeeded', charge);
  emitOn(context, clock, 'payment_intent.succeeded', paymentIntent);
  const dispute = paymentIntent.payment_method
    ? behaviourOf(context, paymentIntent.payment_method).card?.dispute
    : undefined;
  if (dispute) openDispute(context, charge, dispute, clock);
}

function failPaymentIntent(
  context: EmulatorContext,
  paymentIntent: PaymentIntent,
  charge: Charge,
  paymentMethod: PaymentMethod,
  decline: CardDecline,
  clock: ClockId,
): void {
  paymentIntent.status = 'requires_payment_method';
  paymentIntent.payment_method = null;
  paymentIntent.last_payment_error = {
    type: 'card_error',
    charge: charge.id,
    code: decline.code,
    decline_code: decline.decline_code,
    doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
    message: decline.message,
    payment_method: structuredClone(paymentMethod),
  };
  emitOn(context, clock, 'charge.failed', charge);
  emitOn(context, clock, 'payment_intent.payment_failed', paymentIntent);
}

/** Settles a processing bank debit: the charge succeeds or fails as its test account number says. */
export function settleProcessingPayment(
  context: EmulatorContext,
  paymentIntent: PaymentIntent,
  clock: ClockId,
): 'succeeded' | 'failed' {
  const charge = paymentIntent.latest_charge ? charges(context).get(paymentIntent.latest_charge) : undefined;
  const paymentMethod = paymentIntent.payment_method
    ? paymentMethods(context).find(paymentIntent.payment_method)
    : undefined;
  if (!charge || !paymentMethod) throw new Error(`payment intent ${paymentIntent.id} has nothing to settle`);
  const outcome = behaviourOf(context, paymentMethod.id).bankOutcome ?? 'succeeds';
  if (outcome === 'succeeds') {
    markChargeSucceeded(context, charge, nowOn(context, clock));
    succeedPaymentIntent(context, paymentIntent, charge, clock);
    return 'succeeded';
  }
  const decline: CardDecline = {
    code: 'payment_method_provider_decline',
    decline_code: 'insufficient_funds',
    message: "The customer's bank account could not be debited.",
  };
  markChargeFailed(charge, decline);
  failPaymentIntent(context, paymentIntent, charge, paymentMethod, decline, clock);
  return 'failed';
}

export function cancelPaymentIntent(
  context: EmulatorContext,
  paymentIntent: PaymentIntent,
  reason: string | null,
  clock: ClockId,
): void {
  paymentIntent.status = 'canceled';
  paymentIntent.canceled_at = nowOn(context, clock);
  paymentIntent.cancellation_reason = reason;
  emitOn(context, clock, 'payment_intent.canceled', paymentIntent);
}
