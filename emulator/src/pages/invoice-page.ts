// The hosted invoice page and PDF behind an invoice's `hosted_invoice_url` and `invoice_pdf`.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { invoices, type Invoice } from '../billing/invoices.js';
import type { EmulatorContext } from '../core/context.js';
import { formatMoney } from '../core/money.js';
import { invoiceNumberOf, invoicePdf } from './invoice-pdf.js';
import { escapeHtml, formatDate, messagePage, page } from './html.js';

/**
 * The hosted invoice page and PDF behind a finalized invoice's `hosted_invoice_url` and `invoice_pdf`, so a link
 * an app shows its users (or a receipt it downloads) leads somewhere. Read-only: paying an open invoice is the
 * API's `POST /v1/invoices/:id/pay`.
 */
export function registerInvoicePage(app: FastifyInstance, context: EmulatorContext): void {
  app.get<{ Params: { id: string } }>('/invoices/:id', async (request, reply) => {
    const invoice = publishedInvoice(context, request.params.id);
    if (!invoice) return sendNotFound(reply);
    return reply.type('text/html; charset=utf-8').send(renderInvoice(invoice));
  });

  app.get<{ Params: { id: string } }>('/invoices/:id/pdf', async (request, reply) => {
    const invoice = publishedInvoice(context, request.params.id);
    if (!invoice) return sendNotFound(reply);
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="Invoice-${invoiceNumberOf(invoice)}.pdf"`)
      .send(await invoicePdf(invoice));
  });
}

/** Drafts have no hosted page (Stripe sets the URLs at finalization). */
function publishedInvoice(context: EmulatorContext, id: string): Invoice | undefined {
  const invoice = invoices(context).find(id);
  return invoice && invoice.status !== 'draft' ? invoice : undefined;
}

function sendNotFound(reply: FastifyReply): FastifyReply {
  return reply
    .status(404)
    .type('text/html; charset=utf-8')
    .send(messagePage('Invoice not found', 'This invoice link is not valid.'));
}

function renderInvoice(invoice: Invoice): string {
  const rows = invoice.lines.data
    .map(
      (line) =>
        `<tr><td>${escapeHtml(line.description)}<div class="muted">Qty ${escapeHtml(line.quantity)}</div></td>` +
        `<td class="amount">${escapeHtml(formatMoney(line.amount, invoice.currency))}</td></tr>`,
    )
    .join('');
  const state = invoice.status === 'paid' ? 'Paid' : invoice.status === 'open' ? 'Due' : invoice.status;
  return page(
    `Invoice ${invoiceNumberOf(invoice)}`,
    `<section><span class="badge test">Test mode</span><h1>Invoice ${escapeHtml(invoiceNumberOf(invoice))}</h1>
<p class="muted" data-testid="status">${escapeHtml(state)} · ${escapeHtml(formatDate(invoice.created))}${
      invoice.customer_email ? ` · ${escapeHtml(invoice.customer_email as string)}` : ''
    }</p>
<table><thead><tr><th>Description</th><th class="amount">Amount</th></tr></thead><tbody>${rows}</tbody>
<tfoot><tr><td>Total</td><td class="amount" data-testid="total">${escapeHtml(
      formatMoney(invoice.total, invoice.currency),
    )}</td></tr><tr><td>Amount paid</td><td class="amount">${escapeHtml(
      formatMoney(invoice.amount_paid, invoice.currency),
    )}</td></tr></tfoot></table>
<a class="button secondary" href="/invoices/${escapeHtml(invoice.id)}/pdf">Download invoice</a></section>`,
  );
}
