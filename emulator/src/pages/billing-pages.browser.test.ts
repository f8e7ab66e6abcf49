// Tests of the hosted checkout and billing portal pages in headless Chromium.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recurringPrice } from '../test-support/billing.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

/** Debian's Chromium (apt-get install chromium); never a downloaded browser. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Set SCREENSHOT_DIR to keep a picture of each page for a look (not committed). */
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;

let stripe: Stripe;
let close: () => Promise<void>;
let browser: Browser;
let shop: Server;
let shopUrl: string;
let page: Page;

beforeAll(async () => {
  ({ stripe, close } = await startEmulatorWithClient());
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  // The merchant's site the pages send customers back to.
  shop = createServer((_request, response) =>
    response.end('<!doctype html><title>Shop</title><p>Back at the shop</p>'),
  );
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser.close();
  await new Promise((resolve) => shop.close(resolve));
  await close();
});
beforeEach(async () => {
  page = await browser.newPage();
});
afterEach(async () => {
  await page.close();
});

async function paymentSession(): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [
      {
        price_data: { currency: 'eur', unit_amount: 2500, product_data: { name: 'Coffee beans 1 kg' } },
        quantity: 2,
      },
      {
        price_data: { currency: 'eur', unit_amount: 900, product_data: { name: 'Grinder brush' } },
        quantity: 1,
      },
    ],
    success_url: `${shopUrl}/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${shopUrl}/cart`,
  });
}

async function fillCard(number: string): Promise<void> {
  await page.getByLabel('Email').fill('browser@example.com');
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry (MM / YY)').fill('12 / 34');
  await page.getByLabel('CVC').fill('123');
}

describe('hosted checkout page in a browser', () => {
  it('pays with 4242 and lands on success_url with the session id', async () => {
    const session = await paymentSession();
    await page.goto(session.url as string);
    await expect(page.getByTestId('total').textContent()).resolves.toBe('€59.00');
    if (SCREENSHOT_DIR) await page.screenshot({ path: `${SCREENSHOT_DIR}/checkout.png`, fullPage: true });
    await fillCard('4242 4242 4242 4242');
    await Promise.all([
      page.waitForURL(`${shopUrl}/success**`),
      page.getByRole('button', { name: /^Pay/ }).click(),
    ]);
    expect(new URL(page.url()).searchParams.get('session_id')).toBe(session.id);
    expect((await stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe('paid');
  });

  it('shows the decline message and keeps the session open', async () => {
    const session = await paymentSession();
    await page.goto(session.url as string);
    await fillCard('4000 0000 0000 0002');
    await page.getByRole('button', { name: /^Pay/ }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Your card was declined.');
    if (SCREENSHOT_DIR)
      await page.screenshot({ path: `${SCREENSHOT_DIR}/checkout-declined.png`, fullPage: true });
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
  });
});

describe('promotion codes on the hosted checkout page', () => {
  it('applies a code the customer types and charges the reduced total', async () => {
    const coupon = await stripe.coupons.create({ amount_off: 1000, currency: 'eur' });
    const code = await stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'BEANS10',
    });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        {
          price_data: { currency: 'eur', unit_amount: 2500, product_data: { name: 'Coffee beans 1 kg' } },
          quantity: 2,
        },
      ],
      allow_promotion_codes: true,
      success_url: `${shopUrl}/success?session_id={CHECKOUT_SESSION_ID}`,
    });
    await page.goto(session.url as string);
    await page.getByLabel('Promotion code').fill('NOPE');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByTestId('promotion-code-error').textContent()).resolves.toBe(
      'This code is invalid.',
    );
    await page.getByLabel('Promotion code').fill('beans10');
    await page.getByRole('button', { name: 'Apply' }).click();
    // The line keeps its price; the discount row takes the €10 off.
    await expect(page.getByRole('row', { name: /Coffee beans/ }).textContent()).resolves.toContain('€50.00');
    await expect(page.getByTestId('discount').textContent()).resolves.toBe('−€10.00');
    await expect(page.getByTestId('total').textContent()).resolves.toBe('€40.00');
    if (SCREENSHOT_DIR)
      await page.screenshot({ path: `${SCREENSHOT_DIR}/checkout-promotion.png`, fullPage: true });
    await fillCard('4242 4242 4242 4242');
    await Promise.all([
      page.waitForURL(`${shopUrl}/success**`),
      page.getByRole('button', { name: 'Pay €40.00' }).click(),
    ]);
    const paid = await stripe.checkout.sessions.retrieve(session.id);
    expect(paid).toMatchObject({ amount_total: 4000, total_details: { amount_discount: 1000 } });
    expect((await stripe.paymentIntents.retrieve(paid.payment_intent as string)).amount).toBe(4000);
    expect((await stripe.promotionCodes.retrieve(code.id)).times_redeemed).toBe(1);
  });
});

describe('billing portal page in a browser', () => {
  async function portalFor(configuration?: string) {
    const basic = await recurringPrice(stripe, 1000, { name: 'Basic' });
    const premium = await stripe.prices.create({
      currency: 'eur',
      unit_amount: 3000,
      recurring: { interval: 'month' },
      product_data: { name: 'Premium' },
    });
    const customer = await stripe.customers.create({ email: 'portal-browser@example.com' });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: basic.id }],
      default_payment_method: 'pm_card_visa',
    });
    const config =
      configuration ??
      (
        await stripe.billingPortal.configurations.create({
          business_profile: { headline: 'Acme subscriptions' },
          features: {
            subscription_cancel: { enabled: true, mode: 'at_period_end' },
            subscription_update: {
              enabled: true,
              default_allowed_updates: ['price'],
              proration_behavior: 'create_prorations',
              products: [
                { product: basic.product as string, prices: [basic.id] },
                { product: premium.product as string, prices: [premium.id] },
              ],
            },
            payment_method_update: { enabled: true },
            invoice_history: { enabled: true },
          },
        })
      ).id;
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: config,
      return_url: `${shopUrl}/account`,
    });
    return { session, subscription, premium };
  }

  it('cancels at period end, shown through the SDK, and returns to the app', async () => {
    const { session, subscription } = await portalFor();
    await page.goto(session.url);
    if (SCREENSHOT_DIR) await page.screenshot({ path: `${SCREENSHOT_DIR}/portal.png`, fullPage: true });
    await page.getByRole('button', { name: 'Cancel subscription' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain(
      'canceled at the end of the billing period',
    );
    expect((await stripe.subscriptions.retrieve(subscription.id)).cancel_at_period_end).toBe(true);
    await page.getByRole('link', { name: '← Return' }).click();
    await page.waitForURL(`${shopUrl}/account`);
  });

  it('switches plan', async () => {
    const { session, subscription, premium } = await portalFor();
    await page.goto(session.url);
    await page.getByLabel('Switch plan').selectOption(premium.id);
    await page.getByRole('button', { name: 'Update plan' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain(
      'Your plan has been updated.',
    );
    const switched = await stripe.subscriptions.retrieve(subscription.id);
    expect(switched.items.data[0]?.price.id).toBe(premium.id);
  });
});
