// The /v1/invoiceitems routes: create, retrieve, update, delete and list invoice items.
import type { FastifyInstance } from 'fastify';
import { priceForParam } from '../billing/line-item-prices.js';
import {
  addItemToDraft,
  assertDraftTakesItem,
  createInvoiceItem,
  deleteInvoiceItem,
} from '../billing/invoice-items.js';
import { invoices } from '../billing/invoices.js';
import { invoiceItems } from '../billing/prorations.js';
import { clockOfCustomer, emitOn } from '../billing/time.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import { previousAttributes } from '../core/events.js';
import { matchesCreated, paginate } from '../core/list.js';
import * as read from '../core/params.js';
import { applyMetadata } from '../core/params.js';
import { requestParams } from '../core/request-params.js';

export function registerInvoiceItemRoutes(app: FastifyInstance, context: EmulatorContext): void {
  const table = invoiceItems(context);

  app.post('/v1/invoiceitems', async (request) => {
    const params = requestParams(request);
    const customer = read.requiredString(params, 'customer');
    context.state.table('customer').get(customer, 'customer');
    const clock = clockOfCustomer(context, customer);
    const priceId =
      read.optionalString(params, 'price') ??
      read.optionalString(read.optionalHash(params, 'pricing') ?? {}, 'price');
    const amount = read.optionalInteger(params, 'amount') ?? undefined;
    const currency = read.optionalString(params, 'currency')?.toLowerCase();
    if (!priceId && amount === undefined) throw missingParam('amount');
    if (!priceId && !currency) throw missingParam('currency');
    if (priceId && amount !== undefined) {
      throw invalidRequest('You may only specify one of these parameters: amount, price.', 'amount');
    }
    const period = read.optionalHash(params, 'period');
    const invoiceId = read.optionalString(params, 'invoice');
    const invoice = invoiceId ? invoices(context).get(invoiceId, 'invoice') : undefined;
    const price = priceId ? priceForParam(context, priceId, 'price') : undefined;
    if (invoice) assertDraftTakesItem(invoice, customer, price?.currency ?? currency);
    const item = createInvoiceItem(context, {
      customer,
      ...(price ? { price } : {}),
      ...(amount !== undefined ? { amount } : {}),
      ...(currency ? { currency } : {}),
      quantity: read.optionalInteger(params, 'quantity') ?? 1,
      description: read.optionalString(params, 'description') ?? null,
      metadata: applyMetadata({}, params),
      discountable: read.optionalBoolean(params, 'discountable') ?? true,
      ...(period
        ? {
            period: {
              start: read.optionalInteger(period, 'start') ?? 0,
              end: read.optionalInteger(period, 'end') ?? 0,
            },
          }
        : {}),
      ...(invoice ? { invoice: invoice.id } : {}),
      clock,
    });
    if (invoice) addItemToDraft(context, item, invoice);
    return item;
  });

  app.get<{ Params: { id: string } }>('/v1/invoiceitems/:id', async (request) =>
    table.get(request.params.id, 'invoiceitem'),
  );

  app.post<{ Params: { id: string } }>('/v1/invoiceitems/:id', async (request) => {
    const params = requestParams(request);
    const item = table.get(request.params.id, 'invoiceitem');
    if (item.invoice && context.state.table('invoice').get(item.invoice).status !== 'draft') {
      throw invalidRequest('This invoice item is on a finalized invoice and cannot be updated.');
    }
    const before = structuredClone(item);
    item.metadata = applyMetadata(item.metadata as Record<string, string>, params);
    const description = read.optionalString(params, 'description');
    if (description !== undefined) item.description = description ?? '';
    const discountable = read.optionalBoolean(params, 'discountable');
    if (discountable !== undefined) item.discountable = discountable;
    const changed = previousAttributes(before, item);
    const clock = clockOfCustomer(context, item.customer);
    if (Object.keys(changed).length > 0) emitOn(context, clock, 'invoiceitem.updated', item, changed);
    return item;
  });

  app.delete<{ Params: { id: string } }>('/v1/invoiceitems/:id', async (request) => {
    const item = table.get(request.params.id, 'invoiceitem');
    deleteInvoiceItem(context, item);
    return { id: item.id, object: 'invoiceitem', deleted: true };
  });

  app.get('/v1/invoiceitems', async (request) => {
    const params = requestParams(request);
    const customer = read.optionalString(params, 'customer');
    const invoice = read.optionalString(params, 'invoice');
    const pending = read.optionalBoolean(params, 'pending');
    const rows = table.list(
      (row) =>
        (customer === undefined || row.customer === customer) &&
        (invoice === undefined || row.invoice === invoice) &&
        (pending === undefined || (row.invoice === null) === pending) &&
        matchesCreated(row.date as number, params),
    );
    return paginate(rows, params, '/v1/invoiceitems');
  });
}
