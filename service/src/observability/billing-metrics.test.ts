// The roadmap's billing metrics: checkout outcomes, webhook intake failures and the pool gauges, as scraped.
import { describe, expect, it } from 'vitest';
import { useCheckoutWorld } from '../test-support/checkout-world.js';
import { buildTestApp } from '../test-support/test-app.js';
import { postWebhook } from '../test-support/webhook-delivery.js';

describe('billing metrics', () => {
  const world = useCheckoutWorld();
  const scrape = () => world.app.dependencies.metrics.registry.metrics();

  it('counts checkout requests by outcome: created, reused, rejected and failed', async () => {
    const customer = await world.newCustomer();
    expect((await world.app.call('POST', '/v1/checkout/sessions', world.cart(customer))).statusCode).toBe(
      201,
    );
    expect((await world.app.call('POST', '/v1/checkout/sessions', world.cart(customer))).statusCode).toBe(
      200,
    );
    const invalid = await world.app.call(
      'POST',
      '/v1/checkout/sessions',
      world.cart(customer, { mode: 'rent' }),
    );
    expect(invalid.statusCode).toBe(400);
    world.app.emulator.faults.add({
      type: 'error',
      endpoint: 'POST /v1/checkout/sessions',
      status: 500,
      count: 5,
    });
    const other = await world.newCustomer();
    const failed = await world.app.call('POST', '/v1/checkout/sessions', world.cart(other));
    expect(failed.statusCode).toBeGreaterThanOrEqual(500);
    const body = await scrape();
    expect(body).toContain('checkout_requests_total{outcome="created"} 1');
    expect(body).toContain('checkout_requests_total{outcome="reused"} 1');
    expect(body).toContain('checkout_requests_total{outcome="rejected"} 1');
    expect(body).toContain('checkout_requests_total{outcome="failed"} 1');
  });

  it('counts a webhook delivery with a bad signature as an intake failure', async () => {
    const answer = await postWebhook(world.app.app, '{"id":"evt_1"}', 't=1,v1=forged');
    expect(answer.statusCode).toBe(400);
    expect(await scrape()).toMatch(/webhook_failures_total\{type="unverified",stage="intake"\} [1-9]/);
  });

  it('reports each pool: its maximum and its clients by state', async () => {
    const body = await scrape();
    expect(body).toMatch(/db_pool_max\{pool="main"\} [1-9]/);
    expect(body).toMatch(/db_pool_max\{pool="async_commit"\} [1-9]/);
    expect(body).toMatch(/db_pool_connections\{pool="main",state="idle"\} \d+/);
    expect(body).toMatch(/db_pool_connections\{pool="main",state="waiting"\} \d+/);
    expect(body).toMatch(/db_pool_connections\{pool="main",state="total"\} [1-9]/);
  });

  it('reports database_up 1 while PostgreSQL answers, and 0 when it does not', async () => {
    expect(await scrape()).toContain('database_up 1');
    const unreachable = await buildTestApp({ environment: { LOG_LEVEL: 'silent' } });
    try {
      expect(await unreachable.dependencies.metrics.registry.metrics()).toContain('database_up 0');
    } finally {
      await unreachable.close();
    }
  });
});
