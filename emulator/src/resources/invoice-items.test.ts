// Invoice items and one-off invoices through the official SDK: pending items, a draft that takes them, delete, send.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { eventMarker, eventTypesSince } from '../test-support/billing-events.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

describe('invoice items and one-off invoices', () => {
  it('bills pending items on a draft that includes them; finalizes and pays it', async () => {
    const customer = await stripe.customers.create({ email: 'oneoff@example.com' });
    const marker = eventMarker(emulator);
    const item = await stripe.invoiceItems.create({
      customer: customer.id,
      amount: 2000,
      currency: 'usd',
      description: 'Setup fee',
    });
    expect(item).toMatchObject({ object: 'invoiceitem', amount: 2000, invoice: null, proration: false });
    const pending = await stripe.invoiceItems.list({ customer: customer.id, pending: true });
    expect(pending.data.map((row) => row.id)).toEqual([item.id]);
    const invoice = await stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
    });
    expect(invoice).toMatchObject({
      status: 'draft',
      billing_reason: 'manual',
      amount_due: 2000,
      auto_advance: false,
    });
    expect(invoice.lines.data.map((line) => line.description)).toEqual(['Setup fee']);
    expect((await stripe.invoiceItems.retrieve(item.id)).invoice).toBe(invoice.id);
    const paid = await stripe.invoices.pay(invoice.id, { payment_method: 'pm_card_visa' });
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 2000 });
    expect(eventTypesSince(emulator, marker).slice(0, 3)).toEqual([
      'invoiceitem.created',
      'invoice.created',
      'invoice.finalized',
    ]);
  });

  it('leaves pending items alone by default, deletes a draft and its items return to pending', async () => {
    const customer = await stripe.customers.create({ email: 'draft@example.com' });
    const item = await stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: 'eur' });
    const empty = await stripe.invoices.create({ customer: customer.id });
    expect(empty.lines.data).toEqual([]);
    const draft = await stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
    });
    const marker = eventMarker(emulator);
    const deleted = await stripe.invoices.del(draft.id);
    expect(deleted).toEqual({ id: draft.id, object: 'invoice', deleted: true });
    expect(eventTypesSince(emulator, marker)).toEqual(['invoice.deleted']);
    expect((await stripe.invoiceItems.retrieve(item.id)).invoice).toBeNull();
    const gone = await stripe.invoices.retrieve(draft.id).catch((error: Stripe.errors.StripeError) => error);
    expect(gone).toMatchObject({ statusCode: 404 });
    const removed = await stripe.invoiceItems.del(item.id);
    expect(removed).toMatchObject({ id: item.id, deleted: true });
  });

  it('sends a send_invoice invoice: finalized with a due date, invoice.sent; refuses to delete it then', async () => {
    const customer = await stripe.customers.create({ email: 'send@example.com' });
    await stripe.invoiceItems.create({ customer: customer.id, amount: 1200, currency: 'usd' });
    const missing = await stripe.invoices
      .create({ customer: customer.id, collection_method: 'send_invoice' })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(missing).toMatchObject({ statusCode: 400, param: 'days_until_due' });
    const invoice = await stripe.invoices.create({
      customer: customer.id,
      collection_method: 'send_invoice',
      days_until_due: 7,
      pending_invoice_items_behavior: 'include',
    });
    expect(invoice.due_date).toBe(invoice.created + 7 * 86_400);
    const marker = eventMarker(emulator);
    const sent = await stripe.invoices.sendInvoice(invoice.id);
    expect(sent).toMatchObject({ status: 'open', collection_method: 'send_invoice' });
    expect(eventTypesSince(emulator, marker)).toEqual([
      'invoice.finalized',
      'payment_intent.created',
      'invoice.sent',
    ]);
    const refused = await stripe.invoices.del(invoice.id).catch((error: Stripe.errors.StripeError) => error);
    expect(refused).toMatchObject({ statusCode: 400, code: 'invoice_not_editable' });
  });
});
