// Tests of the hosted checkout page over HTTP.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { submitForm } from '../test-support/pages.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

async function session() {
  return stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [
      { price_data: { currency: 'usd', unit_amount: 1999, product_data: { name: 'Mug <b>' } }, quantity: 2 },
      { price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Sticker' } }, quantity: 1 },
    ],
    success_url: 'https://shop.example/thanks?id={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://shop.example/cart',
  });
}

const card = { email: 'page@example.com', card_expiry: '12 / 34', card_cvc: '123' };

describe('hosted checkout page', () => {
  it('shows the line items, quantities, total and fields, escaping names', async () => {
    const created = await session();
    const html = await (await fetch(created.url as string)).text();
    expect(html).toContain('Mug &lt;b&gt;');
    expect(html).toContain('Qty 2 × $19.99');
    expect(html).toContain('$44.98');
    expect(html).toContain('<label for="card_number">Card number</label>');
    expect(html).toContain('<label for="email">Email</label>');
    expect(html).toContain('href="https://shop.example/cart"');
  });

  it('pays with 4242 and redirects to success_url with the session id', async () => {
    const created = await session();
    const response = await submitForm(created.url as string, { ...card, card_number: '4242 4242 4242 4242' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`https://shop.example/thanks?id=${created.id}`);
    expect((await stripe.checkout.sessions.retrieve(created.id)).payment_status).toBe('paid');
    const after = await (await fetch(created.url ?? `${emulator.url}/checkout/${created.id}`)).text();
    expect(after).toContain('This checkout session is complete');
  });

  it("re-renders a decline with Stripe's message and keeps the session open", async () => {
    const created = await session();
    const response = await submitForm(created.url as string, { ...card, card_number: '4000000000009995' });
    expect(response.status).toBe(402);
    expect(await response.text()).toContain('Your card has insufficient funds.');
    expect((await stripe.checkout.sessions.retrieve(created.id)).status).toBe('open');
    const incomplete = await submitForm(created.url as string, {
      ...card,
      card_number: '4242424242424242',
      card_expiry: '13/99',
    });
    expect(await incomplete.text()).toContain('Your card&#39;s expiration date is incomplete.');
  });

  it('shows a clear page for an expired session and for an unknown one', async () => {
    const created = await session();
    await stripe.checkout.sessions.expire(created.id);
    const html = await (await fetch(`${emulator.url}/checkout/${created.id}`)).text();
    expect(html).toContain('This checkout session has expired');
    expect((await fetch(`${emulator.url}/checkout/cs_test_nope`)).status).toBe(404);
  });
});
