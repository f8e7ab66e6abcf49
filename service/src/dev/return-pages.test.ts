// The development return pages against PostgreSQL and the emulator (webhooks applied by a real worker): what a
// success page shows for an order and a subscription, while the webhook is awaited, for unknown or malformed
// sessions, with hostile product names; the account page, the portal link, the cancel page; and that a
// production app never mounts them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeCheckoutSession, emulatorObject } from '../test-support/emulator-control.js';
import { SHOP, startBillingWorld, type BillingWorld } from '../test-support/billing-world.js';
import { buildTestApp } from '../test-support/test-app.js';
import { devCheckoutReturnUrls } from './return-page-urls.js';
import { MAX_SUCCESS_PAGE_RELOADS, registerDevReturnPages } from './return-pages.routes.js';

// app.inject's requests come from http://localhost: the origin the portal returns to.
const INJECT_ORIGIN = 'http://localhost';

describe('development return pages', () => {
  let world: BillingWorld;

  beforeAll(async () => {
    world = await startBillingWorld({
      environment: { ALLOWED_REDIRECT_ORIGINS: `${SHOP},${INJECT_ORIGIN}` },
      extendApp: (app, dependencies) => {
        registerDevReturnPages(app, dependencies);
      },
    });
  });
  afterAll(async () => {
    await world.closeAll();
  });

  async function createCustomer(externalId: string): Promise<void> {
    const response = await world.call('POST', '/v1/customers', {
      external_id: externalId,
      email: `${externalId}@example.com`,
    });
    expect(response.statusCode).toBe(201);
  }

  async function createCheckout(body: Record<string, unknown>): Promise<string> {
    const response = await world.call('POST', '/v1/checkout/sessions', {
      ...devCheckoutReturnUrls(INJECT_ORIGIN),
      ...body,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  }

  /** A page, its markup with whitespace between tags removed and runs of whitespace made one space. */
  async function getPage(url: string) {
    const response = await world.app.inject({ method: 'GET', url });
    return {
      statusCode: response.statusCode,
      headers: response.headers,
      body: response.body.replace(/\s+/g, ' ').replace(/> </g, '><'),
    };
  }

  it('shows a paid order: its lines, the features it granted and the link to the portal', async () => {
    await createCustomer('pages_buyer');
    const sessionId = await createCheckout({
      customer: 'pages_buyer',
      mode: 'payment',
      items: [
        { lookup_key: 'guide_pdf', quantity: 1 },
        { lookup_key: 'mug', quantity: 2 },
      ],
    });
    await completeCheckoutSession(world.emulator, sessionId);
    await world.settle();

    const response = await getPage(`/dev/checkout/success?session_id=${sessionId}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    const body = response.body;
    expect(body).toContain('Thank you: checkout complete');
    expect(body).toContain('<dd data-testid="payment-status">paid</dd>');
    expect(body).toContain('<dd data-testid="amount-total">$37.00</dd>');
    expect(body).toContain('<strong data-testid="order-status">paid</strong>');
    expect(body).toMatch(/<td>Starter guide \(PDF\)<\/td><td>1<\/td><td class="amount">\$19\.00<\/td>/);
    expect(body).toMatch(/<td>Mug<\/td><td>2<\/td><td class="amount">\$18\.00<\/td>/);
    expect(body).toMatch(/<ul data-testid="granted"><li><strong>guide<\/strong>/);
    expect(body).toContain('href="/dev/portal?customer=pages_buyer"');
    expect(body).not.toContain('http-equiv="refresh"');
  });

  it('shows the subscription a checkout became and the features its plan grants', async () => {
    await createCustomer('pages_subscriber');
    const sessionId = await createCheckout({
      customer: 'pages_subscriber',
      mode: 'subscription',
      items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
    });
    await completeCheckoutSession(world.emulator, sessionId);
    await world.settle();

    const body = (await getPage(`/dev/checkout/success?session_id=${sessionId}`)).body;
    expect(body).toContain('<dd data-testid="subscription-status">active</dd>');
    expect(body).toMatch(/<td>Pro<\/td><td>price_[^<]+<\/td><td>1<\/td>/);
    const granted = /<ul data-testid="granted">(.*?)<\/ul>/s.exec(body)?.[1] ?? '';
    expect(granted).toContain('<strong>sso</strong>');
    expect(granted).toContain('<strong>audit_log</strong>');
    expect(body).not.toContain('http-equiv="refresh"');
  });

  it('reloads itself while the webhook is awaited, and says so when it gives up', async () => {
    await createCustomer('pages_waiting');
    const sessionId = await createCheckout({
      customer: 'pages_waiting',
      mode: 'payment',
      items: [{ lookup_key: 'coffee_beans', quantity: 1 }],
    });
    world.emulator.webhooks.pause();
    try {
      await completeCheckoutSession(world.emulator, sessionId);
      const waiting = (await getPage(`/dev/checkout/success?session_id=${sessionId}`)).body;
      expect(waiting).toContain('<dd data-testid="session-status">complete</dd>');
      expect(waiting).toContain("Waiting for Stripe's webhook");
      expect(waiting).toContain(
        `<meta http-equiv="refresh" content="1; url=/dev/checkout/success?session_id=${sessionId}&amp;reloads=1" />`,
      );
      const last = await getPage(
        `/dev/checkout/success?session_id=${sessionId}&reloads=${MAX_SUCCESS_PAGE_RELOADS}`,
      );
      expect(last.statusCode).toBe(200);
      expect(last.body).not.toContain('http-equiv="refresh"');
      expect(last.body).toContain('is the worker running');
    } finally {
      world.emulator.webhooks.resume();
    }
    await world.settle();
    const applied = (await getPage(`/dev/checkout/success?session_id=${sessionId}`)).body;
    expect(applied).toContain('<strong data-testid="order-status">paid</strong>');
    expect(applied).toContain('This purchase grants no features.');
  });

  it('answers an unknown session with a page that says so (404), not a 500', async () => {
    const response = await getPage('/dev/checkout/success?session_id=cs_test_never_created');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('404 not_found');
    expect(response.body).toContain('no checkout session cs_test_never_created of ours');
  });

  it('refuses a malformed or missing session id with a 400 page, without echoing it', async () => {
    const hostile = encodeURIComponent('<script>alert(1)</script>');
    for (const url of [`/dev/checkout/success?session_id=${hostile}`, '/dev/checkout/success']) {
      const response = await getPage(url);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.body).toContain('400 validation_failed</strong>: querystring.session_id: ');
      expect(response.body).not.toContain('<script>');
    }
  });

  it('escapes what it shows: a product name with markup is text on the page', async () => {
    const name = `<script>alert("x")</script> Tea & 'Cakes'`;
    const product = await world.stripe.products.create({ name, metadata: { features: '' } });
    await world.stripe.prices.create({
      product: product.id,
      unit_amount: 500,
      currency: 'usd',
      lookup_key: 'hostile_tea',
    });
    await world.call('POST', '/v1/catalog/sync');
    await world.settle();
    await createCustomer('pages_escaping');
    const sessionId = await createCheckout({
      customer: 'pages_escaping',
      mode: 'payment',
      items: [{ lookup_key: 'hostile_tea', quantity: 1 }],
    });
    await completeCheckoutSession(world.emulator, sessionId);
    await world.settle();

    const body = (await getPage(`/dev/checkout/success?session_id=${sessionId}`)).body;
    expect(body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Tea &amp; &#39;Cakes&#39;');
    expect(body).not.toContain('<script>');
  });

  it("shows a customer's account, and 404 for an unknown customer", async () => {
    const account = await getPage('/dev/account?customer=pages_buyer');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('<h1>Account of pages_buyer</h1>');
    expect(account.body).toMatch(/<ul data-testid="entitlements"><li><strong>guide<\/strong>/);
    // In the order of Stripe's line item ids, not the cart's.
    expect(account.body).toMatch(/1 × Starter guide \(PDF\), 2 × Mug|2 × Mug, 1 × Starter guide \(PDF\)/);

    const unknown = await getPage('/dev/account?customer=nobody_here');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('No customer with external_id &quot;nobody_here&quot;');
    expect((await getPage('/dev/account?customer=%3Cb%3E')).statusCode).toBe(400);
  });

  it("opens the customer portal, returning to the customer's account page", async () => {
    const response = await getPage('/dev/portal?customer=pages_subscriber');
    expect(response.statusCode).toBe(303);
    const location = String(response.headers.location);
    expect(location.startsWith(`${world.emulator.url}/`)).toBe(true);
    const sessionId = new URL(location).pathname.split('/').pop() ?? '';
    const session = emulatorObject<{ return_url: string }>(
      world.emulator,
      'billing_portal.session',
      sessionId,
    );
    expect(session.return_url).toBe(`${INJECT_ORIGIN}/dev/account?customer=pages_subscriber`);

    const forged = await world.app.inject({
      method: 'GET',
      url: '/dev/portal?customer=pages_subscriber',
      headers: { host: 'evil.example' },
    });
    expect(forged.statusCode).toBe(400);
    expect(forged.body).toContain(
      'return_url: origin http://evil.example is not in ALLOWED_REDIRECT_ORIGINS',
    );
    const malformed = await world.app.inject({
      method: 'GET',
      url: '/dev/portal?customer=pages_subscriber',
      headers: { host: 'bad host' },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).toContain('The Host header is not a host name');

    const unknown = await getPage('/dev/portal?customer=nobody_here');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('shows the cancel page', async () => {
    const response = await getPage('/dev/checkout/cancel');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Checkout canceled: nothing was charged');
  });
});

describe('development return pages in production', () => {
  it('are never mounted: their paths are 404 in our JSON error shape', async () => {
    const production = await buildTestApp({
      environment: {
        NODE_ENV: 'production',
        // Empty is unset: Stripe itself (never called here), as production requires.
        STRIPE_API_BASE: '',
        STRIPE_SECRET_KEY: 'sk_live_pages_test',
        ALLOWED_REDIRECT_ORIGINS: 'https://app.example.com',
      },
    });
    try {
      expect(registerDevReturnPages(production.app, production.dependencies)).toBe(false);
      for (const url of [
        '/dev/checkout/success?session_id=cs_test_1',
        '/dev/checkout/cancel',
        '/dev/account?customer=user_42',
        '/dev/portal?customer=user_42',
      ]) {
        const response = await production.app.inject({ method: 'GET', url });
        expect(response.statusCode).toBe(404);
        expect(response.json<{ error: { code: string } }>().error.code).toBe('not_found');
      }
    } finally {
      await production.close();
    }
  });
});
