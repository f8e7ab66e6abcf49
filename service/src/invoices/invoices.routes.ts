// Invoice history from the mirror: a customer's invoices (newest first, paginated) and one invoice, with
// Stripe's hosted invoice page and PDF.
import { Type } from 'typebox';
import type { CustomersService } from '../customers/customers.service.js';
import { ExternalIdParams } from '../customers/customers.schemas.js';
import { errorResponses, PageQuerystring } from '../http/api-schemas.js';
import type { AppInstance } from '../http/app-instance.js';
import type { InvoicesService, InvoiceWithCustomer } from './invoices.service.js';

const Timestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const InvoiceId = Type.String({
  pattern: '^in_[A-Za-z0-9_]+$',
  maxLength: 255,
  description: "Stripe's invoice id",
});

const InvoiceView = Type.Object(
  {
    id: InvoiceId,
    customer: Type.Union([Type.String(), Type.Null()], { description: 'The external_id of the customer' }),
    subscription: Type.Union([Type.String(), Type.Null()]),
    status: Type.String({ description: 'draft, open, paid, uncollectible or void' }),
    billing_reason: Type.Union([Type.String(), Type.Null()]),
    number: Type.Union([Type.String(), Type.Null()]),
    currency: Type.String(),
    total: Type.Integer(),
    amount_due: Type.Integer(),
    amount_paid: Type.Integer(),
    amount_remaining: Type.Integer(),
    attempt_count: Type.Integer(),
    hosted_invoice_url: Type.Union([Type.String(), Type.Null()]),
    invoice_pdf: Type.Union([Type.String(), Type.Null()]),
    period_start: Timestamp,
    period_end: Timestamp,
    paid_at: Timestamp,
    created: Type.String({ format: 'date-time' }),
  },
  {
    examples: [
      {
        id: 'in_1QrFnd',
        customer: 'user_42',
        subscription: 'sub_1QpRo',
        status: 'paid',
        billing_reason: 'subscription_cycle',
        number: 'A1B2C3-0002',
        currency: 'usd',
        total: 1900,
        amount_due: 1900,
        amount_paid: 1900,
        amount_remaining: 0,
        attempt_count: 1,
        hosted_invoice_url: 'https://invoice.stripe.com/i/acct_1/test_in_1QrFnd',
        invoice_pdf: 'https://pay.stripe.com/invoice/acct_1/test_in_1QrFnd/pdf',
        period_start: '2026-11-27T09:00:00.000Z',
        period_end: '2026-12-27T09:00:00.000Z',
        paid_at: '2026-12-27T10:00:00.000Z',
        created: '2026-12-27T09:00:00.000Z',
      },
    ],
  },
);

const iso = (date: Date | null) => date?.toISOString() ?? null;

function invoiceView(invoice: InvoiceWithCustomer) {
  return {
    id: invoice.stripe_invoice_id,
    customer: invoice.customer_external_id,
    subscription: invoice.stripe_subscription_id,
    status: invoice.status,
    billing_reason: invoice.billing_reason,
    number: invoice.number,
    currency: invoice.currency,
    total: Number(invoice.total),
    amount_due: Number(invoice.amount_due),
    amount_paid: Number(invoice.amount_paid),
    amount_remaining: Number(invoice.amount_remaining),
    attempt_count: invoice.attempt_count,
    hosted_invoice_url: invoice.hosted_invoice_url,
    invoice_pdf: invoice.invoice_pdf,
    period_start: iso(invoice.period_start),
    period_end: iso(invoice.period_end),
    paid_at: iso(invoice.paid_at),
    created: invoice.stripe_created.toISOString(),
  };
}

export function registerInvoiceRoutes(
  app: AppInstance,
  dependencies: { customers: CustomersService; invoices: InvoicesService },
): void {
  const { customers, invoices } = dependencies;

  app.get(
    '/v1/customers/:external_id/invoices',
    {
      schema: {
        tags: ['invoices'],
        summary: "A customer's invoices, newest first (cursor pagination)",
        params: ExternalIdParams,
        querystring: PageQuerystring(InvoiceId),
        response: {
          200: Type.Object({ data: Type.Array(InvoiceView), has_more: Type.Boolean() }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => {
      const customer = await customers.getByExternalId(request.params.external_id);
      const page = await invoices.listForCustomer(customer.id, {
        startingAfter: request.query.starting_after,
        limit: request.query.limit,
      });
      return { data: page.data.map(invoiceView), has_more: page.hasMore };
    },
  );

  app.get(
    '/v1/invoices/:id',
    {
      schema: {
        tags: ['invoices'],
        summary: 'One invoice, with its hosted page and PDF',
        params: Type.Object({ id: InvoiceId }),
        response: { 200: InvoiceView, ...errorResponses(404) },
      },
    },
    async (request) => invoiceView(await invoices.get(request.params.id)),
  );
}
