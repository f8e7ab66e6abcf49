// The invoice and invoice line objects, their table, and creating a draft invoice from line drafts.
import type { EmulatorContext } from '../core/context.js';
import { formatMoney } from '../core/money.js';
import { newId } from '../core/ids.js';
import type { StripeObject } from '../core/store.js';
import { inheritedDiscounts, priceInvoice, retireUsedDiscounts } from './invoice-discounts.js';
import { productName } from './line-item-prices.js';
import type { Price } from '../resources/price-object.js';
import { emitOn, nowOn, type ClockId } from './time.js';

export type BillingReason =
  'subscription_create' | 'subscription_cycle' | 'subscription_update' | 'manual' | 'subscription_threshold';

export interface InvoiceLine extends StripeObject {
  object: 'line_item';
  amount: number;
  currency: string;
  description: string;
  invoice: string | null;
  period: { start: number; end: number };
  quantity: number | null;
  parent: Record<string, unknown>;
  pricing: {
    type: 'price_details';
    price_details: { price: string; product: string };
    unit_amount_decimal: string | null;
  };
  [key: string]: unknown;
}

export interface Invoice extends StripeObject {
  object: 'invoice';
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  attempt_count: number;
  attempted: boolean;
  billing_reason: BillingReason;
  created: number;
  currency: string;
  customer: string;
  default_payment_method: string | null;
  lines: { object: 'list'; data: InvoiceLine[]; has_more: boolean; url: string; total_count?: number };
  next_payment_attempt: number | null;
  parent: {
    type: 'subscription_details';
    quote_details: null;
    subscription_details: { metadata: Record<string, string>; subscription: string };
  } | null;
  period_start: number;
  period_end: number;
  status: 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';
  status_transitions: {
    finalized_at: number | null;
    marked_uncollectible_at: number | null;
    paid_at: number | null;
    voided_at: number | null;
  };
  subtotal: number;
  total: number;
  automatically_finalizes_at: number | null;
  metadata: Record<string, string>;
  test_clock: string | null;
  [key: string]: unknown;
}

/** A line before it is placed on an invoice. */
export interface LineDraft {
  amount: number;
  description: string;
  price: Price;
  quantity: number;
  period: { start: number; end: number };
  subscription: string | null;
  subscriptionItem: string | null;
  /** Set for lines from pending invoice items (prorations). */
  invoiceItem?: string;
  proration?: boolean;
  /** Whether discounts reduce the line; default: every line but a proration. */
  discountable?: boolean;
  /** A metered line's usage (it may be fractional); `quantity` is its integer rounding. */
  quantityDecimal?: string;
}

export function invoices(context: EmulatorContext) {
  return context.state.table<Invoice>('invoice');
}

export function subscriptionLine(
  context: EmulatorContext,
  price: Price,
  quantity: number,
  period: { start: number; end: number },
  subscription: string,
  item: string,
): LineDraft {
  // A metered price bills its usage in arrears (billing/meter-usage.ts): in advance it is a line of 0.
  if (price.recurring?.usage_type === 'metered') quantity = 0;
  const amount = (price.unit_amount ?? 0) * quantity;
  return {
    amount,
    description: `${quantity} × ${productName(context, price.product)} (at ${formatMoney(price.unit_amount ?? 0, price.currency)} / ${price.recurring?.interval ?? 'one-time'})`,
    price,
    quantity,
    period,
    subscription,
    subscriptionItem: item,
  };
}

export interface InvoiceInput {
  customer: string;
  currency: string;
  billingReason: BillingReason;
  subscription: { id: string; metadata: Record<string, string> } | null;
  lines: LineDraft[];
  periodStart: number;
  periodEnd: number;
  defaultPaymentMethod?: string | null;
  description?: string | null;
  clock: ClockId;
  /** Drafts of renewals finalize an hour later, as Stripe's do; others finalize at once. */
  finalizesAt?: number | null;
  /** Invoices made with `POST /v1/invoices`: how they are collected and whether Stripe advances them. */
  collectionMethod?: 'charge_automatically' | 'send_invoice';
  daysUntilDue?: number | null;
  autoAdvance?: boolean;
  metadata?: Record<string, string>;
  /** Discount ids, in order; by default the subscription's, else the customer's (`inheritedDiscounts`). */
  discounts?: string[];
}

/** A draft invoice with its lines and the `invoice.created` event. */
export function createDraftInvoice(context: EmulatorContext, input: InvoiceInput): Invoice {
  const invoice = buildInvoice(context, input, newId('in'));
  invoices(context).insert(invoice);
  for (const line of input.lines) {
    const pending = line.invoiceItem ? context.state.table('invoiceitem').find(line.invoiceItem) : undefined;
    if (pending) pending.invoice = invoice.id;
  }
  retireUsedDiscounts(context, invoice, nowOn(context, input.clock), input.clock);
  emitOn(context, input.clock, 'invoice.created', invoice);
  return invoice;
}

/** The invoice object for some lines, not stored (drafts store it; previews return it). */
export function buildInvoice(context: EmulatorContext, input: InvoiceInput, id: string): Invoice {
  const now = nowOn(context, input.clock);
  const customer = context.state.table('customer').get(input.customer, 'customer');
  const lines = buildLines(input.lines, { id, currency: input.currency });
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const invoice: Invoice = {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Stripe Emulator',
    account_tax_ids: null,
    amount_due: Math.max(0, total),
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: Math.max(0, total),
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: input.autoAdvance ?? true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: input.finalizesAt ?? null,
    billing_reason: input.billingReason,
    collection_method: input.collectionMethod ?? 'charge_automatically',
    confirmation_secret: null,
    created: now,
    currency: input.currency,
    custom_fields: null,
    customer: input.customer,
    customer_account: null,
    customer_address: customer.address ?? null,
    customer_email: customer.email ?? null,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: customer.shipping ?? null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: input.defaultPaymentMethod ?? null,
    default_source: null,
    default_tax_rates: [],
    description: input.description ?? null,
    discounts:
      input.discounts ?? inheritedDiscounts(context, input.customer, input.subscription?.id ?? null, now),
    due_date: input.daysUntilDue ? now + input.daysUntilDue * 86_400 : null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: {
      object: 'list',
      data: lines,
      has_more: false,
      total_count: lines.length,
      url: `/v1/invoices/${id}/lines`,
    },
    livemode: false,
    metadata: { ...(input.metadata ?? {}) },
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: input.subscription
      ? {
          type: 'subscription_details',
          quote_details: null,
          subscription_details: {
            metadata: { ...input.subscription.metadata },
            subscription: input.subscription.id,
          },
        }
      : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: input.periodEnd,
    period_start: input.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: input.clock,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
  priceInvoice(context, invoice);
  return invoice;
}

/** Invoice lines from drafts, for the invoice `id` in `currency`. */
export function buildLines(drafts: LineDraft[], invoice: { id: string; currency: string }): InvoiceLine[] {
  return drafts.map((draft) => toInvoiceLine(draft, invoice.id, invoice.currency));
}

function toInvoiceLine(draft: LineDraft, invoiceId: string, currency: string): InvoiceLine {
  const fromItem = draft.invoiceItem !== undefined;
  return {
    id: newId('il'),
    object: 'line_item',
    amount: draft.amount,
    currency,
    description: draft.description,
    discount_amounts: [],
    discountable: draft.discountable ?? !draft.proration,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent: draft.subscriptionItem
      ? {
          type: 'subscription_item_details',
          invoice_item_details: null,
          subscription_item_details: {
            invoice_item: draft.invoiceItem ?? null,
            proration: draft.proration ?? false,
            proration_details: { credited_items: null },
            subscription: draft.subscription,
            subscription_item: draft.subscriptionItem,
          },
        }
      : {
          type: 'invoice_item_details',
          invoice_item_details: {
            invoice_item: draft.invoiceItem ?? null,
            proration: draft.proration ?? false,
            proration_details: { credited_items: null },
            subscription: draft.subscription,
          },
          subscription_item_details: null,
        },
    period: draft.period,
    pretax_credit_amounts: [],
    pricing: {
      type: 'price_details',
      price_details: { price: draft.price.id, product: draft.price.product },
      unit_amount_decimal: fromItem ? null : String(draft.price.unit_amount ?? 0),
    },
    quantity: draft.quantity,
    quantity_decimal: draft.quantityDecimal ?? String(draft.quantity),
    subtotal: draft.amount,
    taxes: [],
  };
}
