// The /v1/invoices routes: retrieve, list, search, preview, finalize, pay, void, mark uncollectible; invoice payments.
import type { FastifyInstance } from 'fastify';
import {
  attemptInvoicePayment,
  finalizeInvoice,
  invoicePayments,
  markInvoiceUncollectible,
  voidInvoice,
} from '../billing/invoice-collection.js';
import { redeemDiscounts } from '../billing/discounts.js';
import { priceInvoice } from '../billing/invoice-discounts.js';
import { previewSubscriptionInvoice } from '../billing/invoice-preview.js';
import { invoices, type Invoice } from '../billing/invoices.js';
import { declinedPaymentError } from '../billing/payment-intents.js';
import { attachPaymentMethod, resolvePaymentMethod } from '../billing/payment-methods.js';
import { subscriptions } from '../billing/subscriptions.js';
import { emitOn, nowOn } from '../billing/time.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { previousAttributes } from '../core/events.js';
import { matchesCreated, paginate } from '../core/list.js';
import * as read from '../core/params.js';
import { applyMetadata } from '../core/params.js';
import { requestParams } from '../core/request-params.js';
import { parseDiscounts } from './discount-params.js';
import { parseItemChanges, parseProrationBehavior } from './subscription-params.js';

export function registerInvoiceRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('in', 'invoice');
  context.state.registerIdPrefix('inpay', 'invoice_payment');
  context.state.registerIdPrefix('ii', 'invoiceitem');
  const table = invoices(context);

  app.post('/v1/invoices/create_preview', async (request) => {
    const params = requestParams(request);
    const details = read.optionalHash(params, 'subscription_details') ?? {};
    const subscriptionId = read.optionalString(params, 'subscription');
    if (!subscriptionId) {
      throw invalidRequest(
        'The emulator previews invoices of an existing subscription: pass `subscription`.',
        'subscription',
      );
    }
    const subscription = subscriptions(context).get(subscriptionId, 'subscription');
    const customer = read.optionalString(params, 'customer');
    if (customer && customer !== subscription.customer) {
      throw invalidRequest(
        `The subscription ${subscription.id} does not belong to customer ${customer}.`,
        'customer',
      );
    }
    const now = nowOn(context, subscription.test_clock);
    const changes = parseItemChanges(context, details, now);
    const prorationDate = read.optionalInteger(details, 'proration_date') ?? undefined;
    return previewSubscriptionInvoice(context, subscription, {
      ...(changes ? { changes } : {}),
      ...(prorationDate !== undefined ? { prorationDate } : {}),
      prorationBehavior: parseProrationBehavior(details),
    });
  });

  app.get<{ Params: { id: string } }>('/v1/invoices/:id', async (request) =>
    table.get(request.params.id, 'invoice'),
  );

  app.post<{ Params: { id: string } }>('/v1/invoices/:id', async (request) => {
    const params = requestParams(request);
    const invoice = table.get(request.params.id, 'invoice');
    const before = structuredClone(invoice);
    invoice.metadata = applyMetadata(invoice.metadata, params);
    const description = read.optionalString(params, 'description');
    if (description !== undefined) {
      if (invoice.status !== 'draft')
        throw invalidRequest('You can only update the description of a draft invoice.', 'description');
      invoice.description = description;
    }
    const now = nowOn(context, invoice.test_clock);
    const discountRequests = parseDiscounts(context, params, {
      customer: invoice.customer,
      amount: invoice.subtotal,
      currency: invoice.currency,
      now,
    });
    if (discountRequests) {
      if (invoice.status !== 'draft')
        throw invalidRequest('You can only change the discounts of a draft invoice.', 'discounts');
      const redeemed = redeemDiscounts(
        context,
        discountRequests,
        { customer: invoice.customer, invoice: invoice.id },
        now,
      );
      invoice.discounts = redeemed.discounts.map((discount) => discount.id);
      priceInvoice(context, invoice);
    }
    const changed = previousAttributes(before, invoice);
    if (Object.keys(changed).length > 0)
      emitOn(context, invoice.test_clock, 'invoice.updated', invoice, changed);
    return invoice;
  });

  app.post<{ Params: { id: string } }>('/v1/invoices/:id/finalize', async (request) => {
    const autoAdvance = read.optionalBoolean(requestParams(request), 'auto_advance');
    const invoice = table.get(request.params.id, 'invoice');
    if (autoAdvance !== undefined) invoice.auto_advance = autoAdvance;
    finalizeInvoice(context, invoice, invoice.test_clock);
    // Automatic collection drives a finalized invoice on to payment: the attempt is due now and runs with the
    // time engine's next pass (the next API request on the global clock, the next advance of a test clock).
    if (
      invoice.status === 'open' &&
      invoice.auto_advance &&
      invoice.collection_method === 'charge_automatically'
    ) {
      invoice.next_payment_attempt = nowOn(context, invoice.test_clock);
    }
    return invoice;
  });

  app.post<{ Params: { id: string } }>('/v1/invoices/:id/pay', async (request) => {
    const params = requestParams(request);
    const invoice = table.get(request.params.id, 'invoice');
    const clock = invoice.test_clock;
    if (invoice.status === 'paid')
      throw invalidRequest('Invoice is already paid', undefined, 'invoice_already_paid');
    if (invoice.status === 'draft') finalizeInvoice(context, invoice, clock);
    if (isPaid(invoice)) return invoice;
    const paymentMethodParam = read.optionalString(params, 'payment_method');
    let paymentMethodId: string | undefined;
    if (paymentMethodParam) {
      const paymentMethod = resolvePaymentMethod(
        context,
        paymentMethodParam,
        'payment_method',
        nowOn(context, clock),
      );
      if (!paymentMethod.customer) attachPaymentMethod(context, paymentMethod, invoice.customer);
      paymentMethodId = paymentMethod.id;
    }
    const { outcome } = attemptInvoicePayment(context, invoice, clock, {
      automatic: false,
      ...(paymentMethodId ? { paymentMethodId } : {}),
    });
    if (outcome?.status === 'declined') {
      throw declinedPaymentError(outcome);
    }
    if (!outcome && !isPaid(invoice)) {
      throw invalidRequest(
        'This invoice cannot be paid: the customer has no default payment method.',
        'payment_method',
      );
    }
    return invoice;
  });

  app.post<{ Params: { id: string } }>('/v1/invoices/:id/void', async (request) => {
    const invoice = table.get(request.params.id, 'invoice');
    voidInvoice(context, invoice, invoice.test_clock);
    return invoice;
  });

  app.post<{ Params: { id: string } }>('/v1/invoices/:id/mark_uncollectible', async (request) => {
    const invoice = table.get(request.params.id, 'invoice');
    markInvoiceUncollectible(context, invoice, invoice.test_clock);
    return invoice;
  });

  app.get<{ Params: { id: string } }>('/v1/invoices/:id/lines', async (request) => {
    const invoice = table.get(request.params.id, 'invoice');
    return paginate(
      [...invoice.lines.data].reverse(),
      requestParams(request),
      `/v1/invoices/${invoice.id}/lines`,
    );
  });

  app.get('/v1/invoices', async (request) => {
    const params = requestParams(request);
    const customer = read.optionalString(params, 'customer');
    const subscription = read.optionalString(params, 'subscription');
    const status = read.optionalEnum(params, 'status', [
      'draft',
      'open',
      'paid',
      'uncollectible',
      'void',
    ] as const);
    const rows = table.list(
      (row) =>
        (customer === undefined || row.customer === customer) &&
        (subscription === undefined || row.parent?.subscription_details.subscription === subscription) &&
        (status === undefined || row.status === status) &&
        matchesCreated(row.created, params),
    );
    return paginate(rows, params, '/v1/invoices');
  });

  app.get<{ Params: { id: string } }>('/v1/invoice_payments/:id', async (request) =>
    invoicePayments(context).get(request.params.id, 'invoice_payment'),
  );

  app.get('/v1/invoice_payments', async (request) => {
    const params = requestParams(request);
    const invoice = read.optionalString(params, 'invoice');
    const status = read.optionalEnum(params, 'status', ['open', 'paid', 'canceled'] as const);
    const payment = read.optionalHash(params, 'payment') ?? {};
    const paymentIntent = read.optionalString(payment, 'payment_intent');
    const rows = invoicePayments(context).list(
      (row) =>
        (invoice === undefined || row.invoice === invoice) &&
        (status === undefined || row.status === status) &&
        (paymentIntent === undefined || row.payment.payment_intent === paymentIntent),
    );
    return paginate(rows, params, '/v1/invoice_payments');
  });
}

/** Status after a call that may have changed it (TypeScript keeps the narrowing from before the call). */
function isPaid(invoice: Invoice): boolean {
  return invoice.status === 'paid';
}
