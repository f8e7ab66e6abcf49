// Headless Chromium (Debian's, through playwright-core) drives the emulator's hosted pages from URLs our API
// returned: a cart checkout paid with 4242, a subscription with a trial, then the portal to cancel at period end.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSeededTestApp, type SeededTestApp } from '../test-support/seeded-test-app.js';

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

interface SubscriptionView {
  id: string;
  status: string;
  cancel_at_period_end: boolean;
  trial_end: string | null;
}

describe('buying through our API on the hosted pages, in a browser', () => {
  let world: SeededTestApp;
  let browser: Browser;
  let shop: Server;
  let shopUrl: string;
  let page: Page;

  beforeAll(async () => {
    // The application's own site, where Stripe sends the buyer back.
    shop = createServer((_request, response) =>
      response.end('<!doctype html><title>Shop</title><p>Thanks!</p>'),
    );
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
    world = await startSeededTestApp({ ALLOWED_REDIRECT_ORIGINS: shopUrl });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser.close();
    await world.closeAll();
    await new Promise((resolve) => shop.close(resolve));
  });
  beforeEach(async () => {
    page = await browser.newPage();
  });
  afterEach(async () => {
    await page.close();
  });

  async function payOnHostedPage(url: string): Promise<URL> {
    await page.goto(url);
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByLabel('Expiry (MM / YY)').fill('12 / 34');
    await page.getByLabel('CVC').fill('123');
    await Promise.all([
      page.waitForURL(`${shopUrl}/success**`),
      page.getByRole('button', { name: /^(Pay|Subscribe)/ }).click(),
    ]);
    return new URL(page.url());
  }

  async function checkout(customer: string, body: Record<string, unknown>) {
    const response = await world.call('POST', '/v1/checkout/sessions', {
      customer,
      success_url: `${shopUrl}/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${shopUrl}/cart`,
      ...body,
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string; url: string }>();
  }

  it('pays a cart with 4242 and lands on success_url with the session id', async () => {
    await world.call('POST', '/v1/customers', { external_id: 'browser_cart', email: 'cart@example.com' });
    const session = await checkout('browser_cart', {
      mode: 'payment',
      items: [
        { lookup_key: 'coffee_beans', quantity: 2 },
        { lookup_key: 'mug', quantity: 1 },
      ],
    });
    await page.goto(session.url);
    await expect(page.getByTestId('total').textContent()).resolves.toBe('$59.00');
    const landed = await payOnHostedPage(session.url);
    expect(landed.searchParams.get('session_id')).toBe(session.id);
    const stored = world.emulator.context.state.table('checkout.session').get(session.id) as unknown as {
      payment_status: string;
    };
    expect(stored.payment_status).toBe('paid');
  });

  it('subscribes with a trial, then cancels at period end in the portal, seen through our API', async () => {
    await world.call('POST', '/v1/customers', { external_id: 'browser_sub', email: 'sub@example.com' });
    const session = await checkout('browser_sub', {
      mode: 'subscription',
      items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
      trial_days: 7,
    });
    const landed = await payOnHostedPage(session.url);
    expect(landed.searchParams.get('session_id')).toBe(session.id);

    // No webhook pipeline in this test: refresh the mirror from Stripe through our API.
    const synced = await world.call('POST', '/v1/customers/browser_sub/subscriptions/sync');
    const [subscription] = synced.json<{ data: SubscriptionView[] }>().data;
    expect(subscription).toMatchObject({ status: 'trialing', cancel_at_period_end: false });
    expect(Date.parse(subscription!.trial_end!)).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);

    const portal = await world.call('POST', '/v1/portal/sessions', {
      customer: 'browser_sub',
      return_url: `${shopUrl}/account`,
    });
    expect(portal.statusCode).toBe(201);
    await page.goto(portal.json<{ url: string }>().url);
    await page.getByRole('button', { name: 'Cancel subscription' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain(
      'canceled at the end of the billing period',
    );
    await page.getByRole('link', { name: '← Return' }).click();
    await page.waitForURL(`${shopUrl}/account`);

    const after = await world.call('POST', '/v1/customers/browser_sub/subscriptions/sync');
    expect(after.json<{ data: SubscriptionView[] }>().data[0]).toMatchObject({
      id: subscription!.id,
      status: 'trialing',
      cancel_at_period_end: true,
    });
  });
});
