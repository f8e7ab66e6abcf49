// Standalone invoice items (`/v1/invoiceitems`): pending charges a customer's next invoice takes in.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { createInlinePrice, findPrice } from './line-item-prices.js';
import type { Price } from '../resources/price-object.js';
import { priceInvoice } from './invoice-discounts.js';
import { buildLines, type Invoice, type LineDraft } from './invoices.js';
import { invoiceItems, type InvoiceItem } from './prorations.js';
import { emitOn, nowOn, type ClockId } from './time.js';

export interface InvoiceItemInput {
  customer: string;
  /** A catalog price, or an amount for which an inline one-time price is made (as Stripe does). */
  price?: Price;
  amount?: number;
  currency?: string;
  quantity: number;
  description: string | null;
  metadata: Record<string, string>;
  discountable: boolean;
  period?: { start: number; end: number };
  /** The draft invoice the item goes onto at once (`addItemToDraft`); none leaves it pending. */
  invoice?: string;
  clock: ClockId;
}

export function createInvoiceItem(context: EmulatorContext, input: InvoiceItemInput): InvoiceItem {
  const now = nowOn(context, input.clock);
  const price =
    input.price ??
    createInlinePrice(
      context,
      {
        currency: input.currency ?? '',
        unit_amount: String(input.amount ?? 0),
        product_data: { name: input.description ?? 'Invoice item' },
      },
      'price_data',
      now,
    );
  const amount = input.price ? (price.unit_amount ?? 0) * input.quantity : (input.amount ?? 0);
  const item: InvoiceItem = {
    id: newId('ii'),
    object: 'invoiceitem',
    amount,
    currency: price.currency,
    customer: input.customer,
    customer_account: null,
    date: now,
    description: input.description ?? '',
    discountable: input.discountable,
    discounts: [],
    invoice: input.invoice ?? null,
    livemode: false,
    metadata: input.metadata,
    net_amount: amount,
    parent: null,
    period: input.period ?? { start: now, end: now },
    pricing: {
      type: 'price_details',
      price_details: { price: price.id, product: price.product },
      unit_amount_decimal: String(input.price ? (price.unit_amount ?? 0) : amount / input.quantity),
    },
    proration: false,
    proration_details: { credited_items: null },
    quantity: input.quantity,
    quantity_decimal: String(input.quantity),
    tax_rates: [],
    test_clock: input.clock,
  };
  invoiceItems(context).insert(item);
  emitOn(context, input.clock, 'invoiceitem.created', item);
  return item;
}

/** The line an invoice item makes on an invoice. */
export function invoiceItemLine(context: EmulatorContext, item: InvoiceItem): LineDraft {
  return {
    amount: item.amount,
    description: item.description ?? '',
    price:
      findPrice(context, item.pricing.price_details.price) ??
      ({ id: item.pricing.price_details.price, product: item.pricing.price_details.product } as Price),
    quantity: item.quantity,
    period: item.period,
    subscription: null,
    subscriptionItem: null,
    invoiceItem: item.id,
    discountable: item.discountable === true,
  };
}

/** The customer's pending standalone items (no subscription, on no invoice yet), oldest first. */
export function pendingCustomerItems(context: EmulatorContext, customerId: string): InvoiceItem[] {
  return invoiceItems(context)
    .list((item) => item.invoice === null && item.parent === null && item.customer === customerId)
    .reverse();
}

/** Stripe deletes an invoice item only while it is pending or on a draft. */
export function deleteInvoiceItem(context: EmulatorContext, item: InvoiceItem): void {
  const invoice = item.invoice ? context.state.table<Invoice>('invoice').find(item.invoice) : undefined;
  if (invoice && invoice.status !== 'draft') {
    throw invalidRequest(
      `Invoice item ${item.id} is on a finalized invoice and cannot be deleted.`,
      undefined,
      'invoice_not_editable',
    );
  }
  if (invoice) removeLine(context, invoice, item.id);
  invoiceItems(context).delete(item.id);
  emitOn(context, item.test_clock as ClockId, 'invoiceitem.deleted', item);
}

/**
 * `invoice` on `POST /v1/invoiceitems`: the item goes onto that draft at once (same customer and currency) instead of
 * waiting for the customer's next invoice; the draft is repriced, discounts included.
 */
export function assertDraftTakesItem(
  invoice: Invoice,
  customerId: string,
  currency: string | undefined,
): void {
  if (invoice.status !== 'draft') {
    throw invalidRequest(
      `You can only add invoice items to draft invoices. Invoice ${invoice.id} is ${invoice.status}.`,
      'invoice',
      'invoice_not_editable',
    );
  }
  if (invoice.customer !== customerId) {
    throw invalidRequest(`Invoice ${invoice.id} belongs to another customer.`, 'invoice');
  }
  if (currency !== undefined && currency !== invoice.currency) {
    throw invalidRequest(
      `The currency of the invoice item (${currency}) must match the invoice's (${invoice.currency}).`,
      'currency',
    );
  }
}

export function addItemToDraft(context: EmulatorContext, item: InvoiceItem, invoice: Invoice): void {
  const [line] = buildLines([invoiceItemLine(context, item)], invoice);
  if (line) invoice.lines.data.push(line);
  item.invoice = invoice.id;
  priceInvoice(context, invoice);
}

function removeLine(context: EmulatorContext, invoice: Invoice, itemId: string): void {
  invoice.lines.data = invoice.lines.data.filter((line) => {
    const parent = line.parent as { invoice_item_details?: { invoice_item?: string } | null };
    return parent.invoice_item_details?.invoice_item !== itemId;
  });
  priceInvoice(context, invoice);
}
