import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from 'stripe-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOG } from '../dev/demo-catalog.js';
import { findFreePort } from '../test-support/free-port.js';
import { CANCEL_URL, SHOP, SUCCESS_URL } from '../test-support/seeded-test-app.js';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';

interface Readiness {
  status: string;
  checks: Array<{ name: string; status: string; detail?: string; error?: string }>;
}

describe('Stripe circuit breaker with the emulator stopped', () => {
  let database: TestDatabase;
  let testApp: TestApp;
  let emulator: RunningEmulator;
  let port: number;
  let apiKey: string;

  // Its state on disk: after the outage Stripe is back as it was (the same account, the same objects).
  const dataDir = mkdtempSync(path.join(tmpdir(), 'breaker-emulator-'));
  const start = () => startEmulator({ port, seed: DEMO_CATALOG, logLevel: 'silent', dataDir });
  const call = (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
    testApp.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${apiKey}` },
      ...(payload ? { payload } : {}),
    });
  const checkout = (customer: string) =>
    call('POST', '/v1/checkout/sessions', {
      customer,
      mode: 'payment',
      items: [{ lookup_key: 'mug', quantity: 1 }],
      success_url: SUCCESS_URL,
      cancel_url: CANCEL_URL,
    });
  const stripeCheck = async () => {
    // Readiness details (each check's reason) are shown to admin keys only; this test's key is one.
    const response = await testApp.app.inject({
      method: 'GET',
      url: '/health/ready',
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const report = response.json<Readiness>();
    return {
      httpStatus: response.statusCode,
      status: report.status,
      check: report.checks.find((c) => c.name === 'stripe'),
    };
  };

  beforeAll(async () => {
    port = await findFreePort();
    emulator = await start();
    database = await createTestDatabase();
    testApp = await buildTestApp({
      databaseUrl: database.url,
      environment: {
        LOG_LEVEL: 'silent',
        STRIPE_API_BASE: emulator.url,
        STRIPE_MAX_NETWORK_RETRIES: '0',
        STRIPE_BREAKER_VOLUME_THRESHOLD: '3',
        STRIPE_BREAKER_RESET_TIMEOUT_MS: '1000',
        ALLOWED_REDIRECT_ORIGINS: SHOP,
      },
    });
    await testApp.app.ready();
    await testApp.dependencies.catalog.syncFromStripe();
    apiKey = (await testApp.dependencies.apiKeys.create({ name: 'breaker', scopes: ['billing', 'admin'] }))
      .key;
    expect(
      (await call('POST', '/v1/customers', { external_id: 'before', email: 'b@example.com' })).statusCode,
    ).toBe(201);
  });

  afterAll(async () => {
    await testApp.close();
    await emulator.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After, opens the circuit, reports it in readiness, and recovers', async () => {
    await emulator.close();
    // Each call fails on a refused connection until enough of the recent calls have failed.
    for (
      let attempt = 0;
      attempt < 10 && testApp.dependencies.stripe.circuit.state() === 'closed';
      attempt += 1
    ) {
      const failure = await checkout('before');
      expect(failure.statusCode).toBe(503);
      expect(failure.json().error.code).toBe('stripe_unavailable');
      expect(failure.headers['retry-after']).toBeDefined();
    }
    expect(testApp.dependencies.stripe.circuit.state()).toBe('open');
    expect(await testApp.dependencies.metrics.registry.metrics()).toContain(
      'stripe_circuit_breaker_state{state="open"} 1',
    );
    // Open: refused at once, without trying Stripe.
    const refused = await checkout('before');
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.message).toContain('circuit open');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    // Readiness says why, and stays ready: reads, entitlements and webhook intake still work without Stripe.
    const open = await stripeCheck();
    expect(open).toMatchObject({ httpStatus: 200, status: 'ready', check: { status: 'warn' } });
    expect(open.check?.error).toMatch(/circuit open after failing calls .*next trial call in \d+ s/);
    expect((await call('GET', '/v1/catalog')).statusCode).toBe(200);

    emulator = await start();
    // After the reset timeout, readiness makes the trial call itself and the circuit closes.
    await expect
      .poll(async () => (await stripeCheck()).check, { timeout: 5000, interval: 200 })
      .toMatchObject({
        status: 'pass',
        detail: 'closed',
      });
    expect(await testApp.dependencies.metrics.registry.metrics()).toContain(
      'stripe_circuit_breaker_state{state="closed"} 1',
    );
    // Stripe is back as it was: the catalog syncs, and a new customer buys.
    expect((await call('POST', '/v1/catalog/sync')).statusCode).toBe(200);
    expect(
      (await call('POST', '/v1/customers', { external_id: 'after', email: 'a@example.com' })).statusCode,
    ).toBe(201);
    expect((await checkout('after')).statusCode).toBe(201);
  });
});
