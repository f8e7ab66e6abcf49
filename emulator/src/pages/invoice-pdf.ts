// The invoice PDF: number, status, lines and total, set in an embedded DejaVu Sans so any character prints.
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { Invoice } from '../billing/invoices.js';
import { formatMoney } from '../core/money.js';

const require = createRequire(import.meta.url);
/** DejaVu Sans covers Latin, Greek, Cyrillic and the usual symbols (× € …); pdfkit embeds the glyphs used. */
const FONT_PATH = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');

export function invoiceNumberOf(invoice: Invoice): string {
  return typeof invoice.number === 'string' ? invoice.number : invoice.id;
}

/** Renders the one-page invoice PDF (A4). */
export function invoicePdf(invoice: Invoice): Promise<Buffer> {
  const document = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `Invoice ${invoiceNumberOf(invoice)}`, Producer: 'stripe-emulator' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    document.on('data', (chunk: Buffer) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });
  document.font(FONT_PATH);
  document.fontSize(18).text(`Invoice ${invoiceNumberOf(invoice)} (${invoice.status})`);
  document.moveDown();
  document.fontSize(12);
  for (const line of invoice.lines.data) {
    document.text(
      `${line.description ?? ''}  ×${line.quantity ?? 1}  ${formatMoney(line.amount, invoice.currency)}`,
    );
  }
  document.moveDown();
  document.text(`Total ${formatMoney(invoice.total, invoice.currency)}`);
  document.text(`Amount paid ${formatMoney(invoice.amount_paid, invoice.currency)}`);
  document.end();
  return done;
}
