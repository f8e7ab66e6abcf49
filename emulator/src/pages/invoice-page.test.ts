// Tests of the hosted invoice page and its PDF.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { recurringPrice } from '../test-support/billing.js';
import { pdfText } from '../test-support/pdf-text.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

describe('hosted invoice page and PDF', () => {
  it('serves the hosted_invoice_url and invoice_pdf of a paid invoice', async () => {
    const customer = await stripe.customers.create({ email: 'billing@example.com' });
    const price = await recurringPrice(stripe, 4200, { currency: 'usd', name: 'Team <plan>' });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id, quantity: 2 }],
      default_payment_method: 'pm_card_visa',
    });
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(invoice.hosted_invoice_url).toBe(`${emulator.url}/invoices/${invoice.id}`);
    const html = await fetch(invoice.hosted_invoice_url!);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    const text = await html.text();
    expect(text).toContain(`Invoice ${invoice.number}`);
    expect(text).toContain('Paid');
    expect(text).toContain('$84.00');
    expect(text).toContain('Team &lt;plan&gt;');
    const pdf = await fetch(invoice.invoice_pdf!);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const [pdfPage] = await pdfText(bytes);
    expect(pdfPage).toContain(`Invoice ${invoice.number} (paid)`);
    expect(pdfPage).toContain('Total $84.00');
  });

  it('prints non-ASCII characters in the PDF (the quantity sign, accents, other scripts)', async () => {
    const customer = await stripe.customers.create({});
    const price = await recurringPrice(stripe, 1000, { currency: 'eur', name: 'Café Überraschung — Ёлка' });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id, quantity: 3 }],
      default_payment_method: 'pm_card_visa',
    });
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    const pdf = new Uint8Array(await (await fetch(invoice.invoice_pdf!)).arrayBuffer());
    const [text] = await pdfText(pdf);
    expect(text).toContain('Café Überraschung — Ёлка');
    expect(text).toContain('×3');
    expect(text).not.toContain('?');
  });

  it('answers 404 for an unknown invoice', async () => {
    const response = await fetch(`${emulator.url}/invoices/in_missing`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('Invoice not found');
  });
});
