// Collecting invoices: finalization, payment attempts and retries, paid, void and uncollectible.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { StripeObject } from '../core/store.js';
import { customers } from '../resources/customer-object.js';
import {
  confirmPaymentIntent,
  createPaymentIntent,
  paymentIntents,
  type PaymentIntent,
  type PaymentOutcome,
} from './payment-intents.js';
import { paymentMethods } from './payment-methods.js';
import { billingSettings } from './settings.js';
import {
  handleInvoicePaid,
  handleInvoicePaymentFailed,
  invoiceDefaultPaymentMethod,
} from './subscription-lifecycle.js';
import { emitOn, nowOn, type ClockId } from './time.js';
import type { Invoice } from './invoices.js';

export interface InvoicePayment extends StripeObject {
  object: 'invoice_payment';
  amount_paid: number | null;
  amount_requested: number;
  invoice: string;
  payment: { type: 'payment_intent'; payment_intent: string };
  status: 'open' | 'paid' | 'canceled';
  status_transitions: { canceled_at: number | null; paid_at: number | null };
  created: number;
  [key: string]: unknown;
}

export function invoicePayments(context: EmulatorContext) {
  return context.state.table<InvoicePayment>('invoice_payment');
}

export function invoicePaymentFor(context: EmulatorContext, invoiceId: string): InvoicePayment | undefined {
  return invoicePayments(context).list((row) => row.invoice === invoiceId && row.is_default === true)[0];
}

/**
 * Finalizes a draft: number, `open`, the payment intent and default invoice payment Stripe creates at finalization,
 * `invoice.finalized`. A zero-amount invoice is paid at once.
 */
export function finalizeInvoice(context: EmulatorContext, invoice: Invoice, clock: ClockId): void {
  if (invoice.status !== 'draft') {
    throw invalidRequest(
      `This invoice is already finalized, you can't re-finalize a non-draft invoice.`,
      undefined,
      'invoice_not_editable',
    );
  }
  const now = nowOn(context, clock);
  const customer = customers(context).get(invoice.customer, 'customer');
  const sequence = customer.next_invoice_sequence;
  customer.next_invoice_sequence = sequence + 1;
  invoice.number = `${customer.invoice_prefix}-${String(sequence).padStart(4, '0')}`;
  invoice.status = 'open';
  invoice.effective_at = now;
  invoice.automatically_finalizes_at = null;
  invoice.status_transitions.finalized_at = now;
  invoice.hosted_invoice_url = `${context.baseUrl}/invoices/${invoice.id}`;
  invoice.invoice_pdf = `${context.baseUrl}/invoices/${invoice.id}/pdf`;
  emitOn(context, clock, 'invoice.finalized', invoice);
  if (invoice.amount_due > 0) {
    const paymentIntent = createPaymentIntent(context, {
      amount: invoice.amount_due,
      currency: invoice.currency,
      customer: invoice.customer,
      description:
        invoice.billing_reason === 'subscription_create' ? 'Subscription creation' : 'Subscription update',
      clock,
    });
    invoicePayments(context).insert({
      id: newId('inpay'),
      object: 'invoice_payment',
      amount_paid: null,
      amount_requested: invoice.amount_due,
      created: now,
      currency: invoice.currency,
      invoice: invoice.id,
      is_default: true,
      livemode: false,
      payment: { type: 'payment_intent', payment_intent: paymentIntent.id },
      status: 'open',
      status_transitions: { canceled_at: null, paid_at: null },
    });
  }
  if (invoice.amount_due === 0) markInvoicePaid(context, invoice, clock);
}

/** Finalizes a due draft and makes its first automatic payment attempt. */
export function finalizeAndCollect(
  context: EmulatorContext,
  invoice: Invoice,
  clock: ClockId,
  options: { authenticated?: boolean } = {},
): void {
  finalizeInvoice(context, invoice, clock);
  if (invoice.status === 'open')
    attemptInvoicePayment(context, invoice, clock, { automatic: true, ...options });
}

export type CollectionResult = 'paid' | 'failed' | 'requires_action' | 'processing';

/**
 * One payment attempt on an open invoice with its payment method (explicit, the invoice's, the subscription's or
 * the customer's default). `automatic` attempts (renewals, retries) schedule the next retry on failure.
 */
export function attemptInvoicePayment(
  context: EmulatorContext,
  invoice: Invoice,
  clock: ClockId,
  options: { paymentMethodId?: string; automatic: boolean; authenticated?: boolean },
): { result: CollectionResult; outcome?: PaymentOutcome } {
  if (invoice.status !== 'open') {
    throw invalidRequest(`Invoice is already ${invoice.status}`, undefined, 'invoice_not_open');
  }
  const payment = invoicePaymentFor(context, invoice.id);
  const paymentIntent = payment ? paymentIntents(context).get(payment.payment.payment_intent) : undefined;
  if (!paymentIntent) {
    markInvoicePaid(context, invoice, clock);
    return { result: 'paid' };
  }
  const paymentMethodId =
    options.paymentMethodId ??
    invoice.default_payment_method ??
    invoiceDefaultPaymentMethod(context, invoice);
  const paymentMethod = paymentMethodId ? paymentMethods(context).find(paymentMethodId) : undefined;
  invoice.attempted = true;
  invoice.attempt_count += 1;
  if (!paymentMethod) {
    recordFailedAttempt(context, invoice, clock, options.automatic);
    return { result: 'failed' };
  }
  const outcome = confirmPaymentIntent(context, paymentIntent, paymentMethod, clock, {
    authenticated: options.authenticated ?? false,
  });
  return {
    result: applyPaymentOutcome(context, invoice, paymentIntent, outcome.status, clock, options.automatic),
    outcome,
  };
}

/** Brings an invoice in line with its payment intent after a confirm, a retry or a bank debit settling. */
export function applyPaymentOutcome(
  context: EmulatorContext,
  invoice: Invoice,
  paymentIntent: PaymentIntent,
  status: PaymentOutcome['status'] | 'failed',
  clock: ClockId,
  automatic: boolean,
): CollectionResult {
  if (status === 'succeeded') {
    markInvoicePaid(context, invoice, clock, paymentIntent);
    return 'paid';
  }
  if (status === 'processing') return 'processing';
  if (status === 'requires_action') {
    invoice.next_payment_attempt = null;
    emitOn(context, clock, 'invoice.payment_action_required', invoice);
    handleInvoicePaymentFailed(context, invoice, clock, false);
    return 'requires_action';
  }
  recordFailedAttempt(context, invoice, clock, automatic);
  return 'failed';
}

function recordFailedAttempt(
  context: EmulatorContext,
  invoice: Invoice,
  clock: ClockId,
  automatic: boolean,
): void {
  const delays = billingSettings(context).retryDelaysDays;
  const retryIndex = invoice.attempt_count - 1;
  const retriable = invoice.billing_reason !== 'subscription_create' && invoice.parent !== null;
  const delay = delays[retryIndex];
  if (automatic || invoice.next_payment_attempt !== null) {
    invoice.next_payment_attempt =
      retriable && delay !== undefined ? nowOn(context, clock) + delay * 86_400 : null;
  }
  emitOn(context, clock, 'invoice.payment_failed', invoice);
  handleInvoicePaymentFailed(context, invoice, clock, retriable && invoice.next_payment_attempt === null);
}

export function markInvoicePaid(
  context: EmulatorContext,
  invoice: Invoice,
  clock: ClockId,
  paymentIntent?: PaymentIntent,
): void {
  const now = nowOn(context, clock);
  invoice.status = 'paid';
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.next_payment_attempt = null;
  invoice.status_transitions.paid_at = now;
  const payment = invoicePaymentFor(context, invoice.id);
  if (payment && paymentIntent) {
    payment.status = 'paid';
    payment.amount_paid = invoice.amount_due;
    payment.status_transitions.paid_at = now;
  }
  emitOn(context, clock, 'invoice.paid', invoice);
  emitOn(context, clock, 'invoice.payment_succeeded', invoice);
  if (payment && paymentIntent) emitOn(context, clock, 'invoice_payment.paid', payment);
  handleInvoicePaid(context, invoice, clock);
}

export function voidInvoice(context: EmulatorContext, invoice: Invoice, clock: ClockId): void {
  if (invoice.status !== 'open' && invoice.status !== 'uncollectible') {
    throw invalidRequest(
      `You can only pass in open or uncollectible invoices. This invoice is ${invoice.status}.`,
      undefined,
      'invoice_not_open',
    );
  }
  invoice.status = 'void';
  invoice.next_payment_attempt = null;
  invoice.status_transitions.voided_at = nowOn(context, clock);
  const payment = invoicePaymentFor(context, invoice.id);
  if (payment) {
    payment.status = 'canceled';
    payment.status_transitions.canceled_at = nowOn(context, clock);
    const paymentIntent = paymentIntents(context).find(payment.payment.payment_intent);
    if (paymentIntent && paymentIntent.status !== 'succeeded' && paymentIntent.status !== 'canceled') {
      paymentIntent.status = 'canceled';
      paymentIntent.canceled_at = nowOn(context, clock);
      paymentIntent.cancellation_reason = 'void_invoice';
      emitOn(context, clock, 'payment_intent.canceled', paymentIntent);
    }
  }
  emitOn(context, clock, 'invoice.voided', invoice);
}

export function markInvoiceUncollectible(context: EmulatorContext, invoice: Invoice, clock: ClockId): void {
  if (invoice.status !== 'open') {
    throw invalidRequest(
      `You can only mark open invoices as uncollectible. This invoice is ${invoice.status}.`,
      undefined,
      'invoice_not_open',
    );
  }
  invoice.status = 'uncollectible';
  invoice.next_payment_attempt = null;
  invoice.status_transitions.marked_uncollectible_at = nowOn(context, clock);
  emitOn(context, clock, 'invoice.marked_uncollectible', invoice);
}

/** After a payment intent of an invoice is confirmed through the API or settles: update the invoice. */
export function syncInvoiceWithPaymentIntent(
  context: EmulatorContext,
  paymentIntent: PaymentIntent,
  clock: ClockId,
): void {
  const payment = invoicePayments(context).list((row) => row.payment.payment_intent === paymentIntent.id)[0];
  if (!payment) return;
  const invoice = context.state.table<Invoice>('invoice').find(payment.invoice);
  if (!invoice || invoice.status !== 'open') return;
  if (paymentIntent.status === 'succeeded') markInvoicePaid(context, invoice, clock, paymentIntent);
  else if (paymentIntent.status === 'requires_payment_method') {
    invoice.attempted = true;
    invoice.attempt_count += 1;
    recordFailedAttempt(context, invoice, clock, false);
  }
}
