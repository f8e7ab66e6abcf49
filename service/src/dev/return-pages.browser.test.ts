// A newcomer's first payment, in headless Chromium against `npm start` on its defaults (the launcher as a process:
// in-process emulator, worker, return pages, ALLOWED_REDIRECT_ORIGINS unset): a checkout created through our API
// with the development return URLs, paid on the emulator's hosted page with 4242, lands on the development success
// page showing what was bought; the portal returns to the account page; leaving the checkout lands on the cancel page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createApiKeysService } from '../auth/api-keys.service.js';
import { createLogger } from '../observability/logger.js';
import { findFreePort } from '../test-support/free-port.js';
import { startServiceProcess, type ServiceProcess } from '../test-support/service-process.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';
import { devCheckoutReturnUrls } from './return-page-urls.js';

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

describe('a first payment on the development defaults, in a browser', () => {
  const dataFolder = mkdtempSync(path.join(tmpdir(), 'return-pages-'));
  let database: TestDatabase;
  let service: ServiceProcess;
  let api: string;
  /** The development key is seeded only on the embedded database: on this test's, a key made as an operator would. */
  let apiKey: string;
  let browser: Browser;
  let page: Page;
  /** What Chromium reported refusing on our pages (a CSP violation is reported on the console). */
  let refusals: string[];

  beforeAll(async () => {
    database = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    const apiKeys = createApiKeysService({
      pool,
      logger: createLogger({ level: 'silent', pretty: false, secrets: [] }),
      mode: 'test',
      cacheTtlMs: 0,
    });
    apiKey = (await apiKeys.create({ name: 'first payment', scopes: ['billing'] })).key;
    await apiKeys.close();
    await pool.end();
    // NODE_ENV=test only for JSON logs (development prints pretty ones); every development default applies.
    service = startServiceProcess('src/launcher.ts', {
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      EMBEDDED_POSTGRES_DATA_DIR: path.join(dataFolder, 'postgres'),
      PORT: String(await findFreePort()),
      METRICS_PORT: '0',
      STRIPE_EMULATOR_PORT: String(await findFreePort()),
    });
    const ready = await service.waitForLog((line) => line.msg === 'development environment ready');
    api = String(ready.api);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    service?.child.kill('SIGTERM');
    await service?.exited;
    await database?.drop();
    rmSync(dataFolder, { recursive: true, force: true });
  });
  beforeEach(async () => {
    page = await browser.newPage();
    refusals = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && message.location().url.startsWith(api)) refusals.push(message.text());
    });
  });
  afterEach(async () => {
    await page.close();
  });

  async function callApi(url: string, body: unknown): Promise<Response> {
    return fetch(`${api}${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async function createCheckout(customer: string, items: unknown[]): Promise<{ id: string; url: string }> {
    expect(
      (await callApi('/v1/customers', { external_id: customer, email: `${customer}@example.com` })).status,
    ).toBe(201);
    const response = await callApi('/v1/checkout/sessions', {
      customer,
      mode: 'payment',
      items,
      ...devCheckoutReturnUrls(api),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as { id: string; url: string };
  }

  it('pays with 4242 and lands on the success page showing the order and what it granted', async () => {
    const session = await createCheckout('first_buyer', [
      { lookup_key: 'guide_pdf', quantity: 1 },
      { lookup_key: 'mug', quantity: 1 },
    ]);
    await page.goto(session.url);
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByLabel('Expiry (MM / YY)').fill('12 / 34');
    await page.getByLabel('CVC').fill('123');
    await Promise.all([
      page.waitForURL(`${api}/dev/checkout/success?session_id=${session.id}**`),
      page.getByRole('button', { name: /^Pay/ }).click(),
    ]);

    // The page reloads itself until the worker has applied Stripe's webhook.
    await page.getByTestId('granted').getByText('guide', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Thank you: checkout complete');
    expect(await page.getByTestId('payment-status').textContent()).toBe('paid');
    expect(await page.getByTestId('amount-total').textContent()).toBe('$28.00');
    expect(await page.getByTestId('order-status').textContent()).toBe('paid');
    const rows = page.getByTestId('order-lines').locator('tbody tr');
    const lines = await Promise.all(
      (await rows.all()).map(async (row) =>
        (await row.locator('td').allTextContents()).map((cell) => cell.trim()),
      ),
    );
    // Our orders list their lines by Stripe's line item id, not in the cart's order.
    expect(lines).toHaveLength(2);
    expect(lines).toEqual(
      expect.arrayContaining([
        ['Starter guide (PDF)', '1', '$19.00'],
        ['Mug', '1', '$9.00'],
      ]),
    );

    // The portal, and back to the customer's account page.
    await page.getByRole('link', { name: 'Manage billing in the customer portal' }).click();
    await page.getByRole('link', { name: '← Return' }).click();
    await page.waitForURL(`${api}/dev/account?customer=first_buyer`);
    expect(await page.getByTestId('entitlements').textContent()).toContain('guide');
    // Our security headers (CSP included) let the pages work as they are: nothing refused.
    expect(refusals).toEqual([]);
  });

  it("lands on the cancel page when the buyer leaves Stripe's page", async () => {
    const session = await createCheckout('first_leaver', [{ lookup_key: 'coffee_beans', quantity: 1 }]);
    await page.goto(session.url);
    await Promise.all([
      page.waitForURL(`${api}/dev/checkout/cancel`),
      page.getByRole('link', { name: '← Cancel and return' }).click(),
    ]);
    expect(await page.getByTestId('canceled').textContent()).toBe('Checkout canceled: nothing was charged');
  });
});
