// The /v1/invoiceitems routes: create, retrieve, update, delete and list invoice items.
import type { FastifyInstance } from 'fastify';
import { priceForParam } from '../billing/line-item-prices.js';
import { createInvoiceItem, deleteInvoiceItem } from '../billing/invoice-items.js';
import { invoiceItems } from '../billing/prorations.js';
import { clockOfCustomer, emitOn } from '../billing/time.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import { previousAttributes } from '../core/events.js';
import { matchesCreated, paginate } from '../core/list.js';
import {
  applyMetadata,
  optionalBoolean,
  optionalHash,
  optionalInteger,
  optionalString,
  requiredString,
} from '../core/params.js';
import { requestParams } from '../core/request-params.js';

export function registerInvoiceItemRoutes(app: FastifyInstance, context: EmulatorContext): void {
  const table = invoiceItems(context);

  app.post('/v1/invoiceitems', async (request) => {
    const params = requestParams(request);
    const customer = requiredString(params, 'customer');
    context.state.table('customer').get(customer, 'customer');
    const clock = clockOfCustomer(context, customer);
    const priceId =
      optionalString(params, 'price') ?? optionalString(optionalHash(params, 'pricing') ?? {}, 'price');
    const amount = optionalInteger(params, 'amount') ?? undefined;
    const currency = optionalString(params, 'currency')?.toLowerCase();
    if (!priceId && amount === undefined) throw missingParam('amount');
    if (!priceId && !currency) throw missingParam('currency');
    if (priceId && amount !== undefined) {
      throw invalidRequest('You may only specify one of these parameters: amount, price.', 'amount');
    }
    const period = optionalHash(params, 'period');
    return createInvoiceItem(context, {
      customer,
      ...(priceId ? { price: priceForParam(context, priceId, 'price') } : {}),
      ...(amount !== undefined ? { amount } : {}),
      ...(currency ? { currency } : {}),
      quantity: optionalInteger(params, 'quantity') ?? 1,
      description: optionalString(params, 'description') ?? null,
      metadata: applyMetadata({}, params),
      discountable: optionalBoolean(params, 'discountable') ?? true,
      ...(period
        ? {
            period: {
              start: optionalInteger(period, 'start') ?? 0,
              end: optionalInteger(period, 'end') ?? 0,
            },
          }
        : {}),
      clock,
    });
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
    const description = optionalString(params, 'description');
    if (description !== undefined) item.description = description ?? '';
    const discountable = optionalBoolean(params, 'discountable');
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
    const customer = optionalString(params, 'customer');
    const invoice = optionalString(params, 'invoice');
    const pending = optionalBoolean(params, 'pending');
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
