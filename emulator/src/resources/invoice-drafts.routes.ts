// One-off invoices: POST /v1/invoices (a draft with the customer's pending items), deleting a draft, sending one.
import type { FastifyInstance } from 'fastify';
import { finalizeInvoice } from '../billing/invoice-collection.js';
import { invoiceItemLine, pendingCustomerItems } from '../billing/invoice-items.js';
import { redeemDiscounts } from '../billing/discounts.js';
import { createDraftInvoice, invoices } from '../billing/invoices.js';
import { paymentMethods } from '../billing/payment-methods.js';
import { invoiceItems } from '../billing/prorations.js';
import { clockOfCustomer, emitOn, nowOn } from '../billing/time.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import * as read from '../core/params.js';
import { applyMetadata } from '../core/params.js';
import { requestParams } from '../core/request-params.js';
import { customers } from './customer-object.js';
import { parseDiscounts } from './discount-params.js';

export function registerInvoiceDraftRoutes(app: FastifyInstance, context: EmulatorContext): void {
  const table = invoices(context);

  app.post('/v1/invoices', async (request) => {
    const params = requestParams(request);
    const customerId = read.requiredString(params, 'customer');
    const customer = customers(context).get(customerId, 'customer');
    const clock = clockOfCustomer(context, customerId);
    const now = nowOn(context, clock);
    const collectionMethod =
      read.optionalEnum(params, 'collection_method', ['charge_automatically', 'send_invoice'] as const) ??
      'charge_automatically';
    const daysUntilDue = read.optionalInteger(params, 'days_until_due') ?? null;
    if (collectionMethod === 'send_invoice' && daysUntilDue === null) {
      throw missingParam('days_until_due');
    }
    if (collectionMethod === 'charge_automatically' && daysUntilDue !== null) {
      throw invalidRequest(
        'Invoices with `collection_method=charge_automatically` cannot have `days_until_due`.',
        'days_until_due',
      );
    }
    const defaultPaymentMethod = read.optionalString(params, 'default_payment_method') ?? null;
    if (defaultPaymentMethod) paymentMethods(context).get(defaultPaymentMethod, 'default_payment_method');
    // Stripe's default since 2022-08-01: pending items are left for the next invoice unless asked for.
    const behavior =
      read.optionalEnum(params, 'pending_invoice_items_behavior', ['include', 'exclude'] as const) ??
      'exclude';
    const pending = behavior === 'include' ? pendingCustomerItems(context, customerId) : [];
    const currency =
      (pending[0]?.currency as string | undefined) ??
      read.optionalString(params, 'currency')?.toLowerCase() ??
      customer.currency ??
      'usd';
    const discountRequests = parseDiscounts(context, params, {
      customer: customerId,
      amount: pending.reduce((sum, item) => sum + item.amount, 0),
      currency,
      now,
    });
    const redeemed = discountRequests
      ? redeemDiscounts(context, discountRequests, { customer: customerId }, now).discounts
      : undefined;
    const invoice = createDraftInvoice(context, {
      customer: customerId,
      currency,
      billingReason: 'manual',
      subscription: null,
      lines: pending
        .filter((item) => item.currency === currency)
        .map((item) => invoiceItemLine(context, item)),
      periodStart: now,
      periodEnd: now,
      defaultPaymentMethod,
      description: read.optionalString(params, 'description') ?? null,
      clock,
      collectionMethod,
      daysUntilDue,
      autoAdvance: read.optionalBoolean(params, 'auto_advance') ?? false,
      metadata: applyMetadata({}, params),
      ...(redeemed ? { discounts: redeemed.map((discount) => discount.id) } : {}),
    });
    for (const discount of redeemed ?? []) discount.invoice ??= invoice.id;
    return invoice;
  });

  app.delete<{ Params: { id: string } }>('/v1/invoices/:id', async (request) => {
    const invoice = table.get(request.params.id, 'invoice');
    if (invoice.status !== 'draft') {
      throw invalidRequest(
        'You can only delete draft invoices. Use the void action for finalized invoices.',
        undefined,
        'invoice_not_editable',
      );
    }
    table.delete(invoice.id);
    // Its items go back to pending, to be billed by another invoice.
    for (const item of invoiceItems(context).list((row) => row.invoice === invoice.id)) item.invoice = null;
    emitOn(context, invoice.test_clock, 'invoice.deleted', invoice);
    return { id: invoice.id, object: 'invoice', deleted: true };
  });

  app.post<{ Params: { id: string } }>('/v1/invoices/:id/send', async (request) => {
    const invoice = table.get(request.params.id, 'invoice');
    const clock = invoice.test_clock;
    if (invoice.status === 'draft') finalizeInvoice(context, invoice, clock);
    if (invoice.status === 'void' || invoice.status === 'uncollectible') {
      throw invalidRequest(
        `You cannot send an invoice that is ${invoice.status}.`,
        undefined,
        'invoice_not_open',
      );
    }
    // Stripe sends no email in test mode, only the event.
    emitOn(context, clock, 'invoice.sent', invoice);
    return invoice;
  });
}
