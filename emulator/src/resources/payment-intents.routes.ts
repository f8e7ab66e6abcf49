// The /v1/payment_intents routes: create, retrieve, update, confirm, cancel, list, search.
import type { FastifyInstance } from 'fastify';
import { attachPaymentMethod, resolvePaymentMethod } from '../billing/payment-methods.js';
import {
  cancelPaymentIntent,
  capturePaymentIntent,
  confirmPaymentIntent,
  createPaymentIntent,
  declinedPaymentError,
  paymentIntents,
  type PaymentIntent,
} from '../billing/payment-intents.js';
import { syncInvoiceWithPaymentIntent } from '../billing/invoice-collection.js';
import { clockOfCustomer, emitOn } from '../billing/time.js';
import { awaitBankTransfer, createCustomerBalancePaymentMethod } from '../billing/customer-balance.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import { previousAttributes } from '../core/events.js';
import { matchesCreated, paginate } from '../core/list.js';
import {
  applyMetadata,
  optionalBoolean,
  optionalEnum,
  optionalHash,
  optionalInteger,
  optionalString,
  requiredString,
  type Params,
} from '../core/params.js';
import { requestParams } from '../core/request-params.js';

export function registerPaymentIntentRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('pi', 'payment_intent');
  const table = paymentIntents(context);

  app.post('/v1/payment_intents', async (request) => {
    const params = requestParams(request);
    const amount = optionalInteger(params, 'amount');
    if (amount === undefined || amount === null) throw missingParam('amount');
    if (amount < 50) throw invalidRequest('Amount must be at least $0.50 usd', 'amount', 'amount_too_small');
    const customer = optionalString(params, 'customer') ?? null;
    if (customer) context.state.table('customer').get(customer, 'customer');
    const clock = clockOfCustomer(context, customer);
    const paymentIntent = createPaymentIntent(context, {
      amount,
      currency: requiredString(params, 'currency').toLowerCase(),
      customer,
      description: optionalString(params, 'description') ?? null,
      metadata: applyMetadata({}, params),
      receiptEmail: optionalString(params, 'receipt_email') ?? null,
      setupFutureUsage:
        optionalEnum(params, 'setup_future_usage', ['on_session', 'off_session'] as const) ?? null,
      captureMethod:
        optionalEnum(params, 'capture_method', ['automatic', 'automatic_async', 'manual'] as const) ??
        'automatic',
      clock,
    });
    const confirmationMethod = optionalEnum(params, 'confirmation_method', ['automatic', 'manual'] as const);
    if (confirmationMethod) paymentIntent.confirmation_method = confirmationMethod;
    const methodData = optionalHash(params, 'payment_method_data');
    if (methodData && optionalString(methodData, 'type') === 'customer_balance') {
      // Bank transfers to the customer's balance: no charge until the funds arrive (fund_cash_balance).
      paymentIntent.payment_method = createCustomerBalancePaymentMethod(context, context.clock.now()).id;
      paymentIntent.status = 'requires_confirmation';
      if (optionalBoolean(params, 'confirm')) awaitBankTransfer(context, paymentIntent);
      return paymentIntent;
    }
    if (optionalBoolean(params, 'confirm')) confirmFromParams(paymentIntent, params);
    else setPaymentMethodFromParams(paymentIntent, params);
    return paymentIntent;
  });

  app.get<{ Params: { id: string } }>('/v1/payment_intents/:id', async (request) =>
    table.get(request.params.id, 'intent'),
  );

  app.post<{ Params: { id: string } }>('/v1/payment_intents/:id', async (request) => {
    const params = requestParams(request);
    const paymentIntent = table.get(request.params.id, 'intent');
    if (paymentIntent.status === 'succeeded' || paymentIntent.status === 'canceled') {
      if (params.amount !== undefined) {
        throw invalidRequest(
          `This PaymentIntent's amount could not be updated because it has a status of ${paymentIntent.status}.`,
          'amount',
          'payment_intent_unexpected_state',
        );
      }
    }
    const before = structuredClone(paymentIntent);
    const amount = optionalInteger(params, 'amount');
    if (amount !== undefined && amount !== null) paymentIntent.amount = amount;
    const description = optionalString(params, 'description');
    if (description !== undefined) paymentIntent.description = description;
    paymentIntent.metadata = applyMetadata(paymentIntent.metadata, params);
    setPaymentMethodFromParams(paymentIntent, params);
    const changed = previousAttributes(before, paymentIntent);
    if (Object.keys(changed).length > 0) {
      emitOn(
        context,
        clockOfCustomer(context, paymentIntent.customer),
        'payment_intent.updated',
        paymentIntent,
        changed,
      );
    }
    return paymentIntent;
  });

  app.post<{ Params: { id: string } }>('/v1/payment_intents/:id/confirm', async (request) => {
    const paymentIntent = table.get(request.params.id, 'intent');
    confirmFromParams(paymentIntent, requestParams(request));
    return paymentIntent;
  });

  app.post<{ Params: { id: string } }>('/v1/payment_intents/:id/capture', async (request) => {
    const params = requestParams(request);
    const paymentIntent = table.get(request.params.id, 'intent');
    if (paymentIntent.status !== 'requires_capture') {
      throw invalidRequest(
        `This PaymentIntent could not be captured because it has a status of ${paymentIntent.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
        undefined,
        'payment_intent_unexpected_state',
      );
    }
    const amount = optionalInteger(params, 'amount_to_capture') ?? paymentIntent.amount;
    if (amount <= 0 || amount > paymentIntent.amount) {
      throw invalidRequest(
        'The amount to capture must be positive and at most the amount authorized.',
        'amount_to_capture',
        'amount_too_large',
      );
    }
    capturePaymentIntent(context, paymentIntent, amount, clockOfCustomer(context, paymentIntent.customer));
    return paymentIntent;
  });

  app.post<{ Params: { id: string } }>('/v1/payment_intents/:id/cancel', async (request) => {
    const params = requestParams(request);
    const paymentIntent = table.get(request.params.id, 'intent');
    if (
      paymentIntent.status === 'succeeded' ||
      paymentIntent.status === 'canceled' ||
      paymentIntent.status === 'processing'
    ) {
      throw invalidRequest(
        `You cannot cancel this PaymentIntent because it has a status of ${paymentIntent.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action.`,
        undefined,
        'payment_intent_unexpected_state',
      );
    }
    const reason =
      optionalEnum(params, 'cancellation_reason', [
        'duplicate',
        'fraudulent',
        'requested_by_customer',
        'abandoned',
      ] as const) ?? null;
    cancelPaymentIntent(context, paymentIntent, reason, clockOfCustomer(context, paymentIntent.customer));
    return paymentIntent;
  });

  app.get('/v1/payment_intents', async (request) => {
    const params = requestParams(request);
    const customer = optionalString(params, 'customer');
    const rows = table.list(
      (row) => (customer === undefined || row.customer === customer) && matchesCreated(row.created, params),
    );
    return paginate(rows, params, '/v1/payment_intents');
  });

  function setPaymentMethodFromParams(paymentIntent: PaymentIntent, params: Params): void {
    const paymentMethodId = optionalString(params, 'payment_method');
    if (!paymentMethodId) return;
    const paymentMethod = resolvePaymentMethod(
      context,
      paymentMethodId,
      'payment_method',
      context.clock.now(),
    );
    paymentIntent.payment_method = paymentMethod.id;
    if (paymentIntent.status === 'requires_payment_method') paymentIntent.status = 'requires_confirmation';
  }

  /** Confirm as the API does: a decline is a 402 card_error carrying the payment intent. */
  function confirmFromParams(paymentIntent: PaymentIntent, params: Params): void {
    if (
      !['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(paymentIntent.status)
    ) {
      throw invalidRequest(
        `You cannot confirm this PaymentIntent because it has a status of ${paymentIntent.status}.`,
        undefined,
        'payment_intent_unexpected_state',
      );
    }
    setPaymentMethodFromParams(paymentIntent, params);
    if (!paymentIntent.payment_method) {
      throw invalidRequest(
        "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with cus_xxx, specify a payment method attached to this customer along with the customer ID.",
        'payment_method',
        'payment_intent_unexpected_state',
      );
    }
    const clock = clockOfCustomer(context, paymentIntent.customer);
    const paymentMethod = resolvePaymentMethod(
      context,
      paymentIntent.payment_method,
      'payment_method',
      context.clock.now(),
    );
    const setupFutureUsage =
      optionalEnum(params, 'setup_future_usage', ['on_session', 'off_session'] as const) ??
      paymentIntent.setup_future_usage;
    if (setupFutureUsage && paymentIntent.customer && !paymentMethod.customer) {
      attachPaymentMethod(context, paymentMethod, paymentIntent.customer);
    }
    const outcome = confirmPaymentIntent(context, paymentIntent, paymentMethod, clock);
    syncInvoiceWithPaymentIntent(context, paymentIntent, clock);
    if (outcome.status === 'declined') {
      throw declinedPaymentError(outcome, {
        doc_url: `https://stripe.com/docs/error-codes/${outcome.decline.code.replace(/_/g, '-')}`,
        payment_intent: structuredClone(paymentIntent),
      });
    }
  }
}
