import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSeededTestApp, SHOP, type SeededTestApp } from '../test-support/seeded-test-app.js';

describe('portal sessions', () => {
  let world: SeededTestApp;

  beforeAll(async () => {
    world = await startSeededTestApp();
    await world.call('POST', '/v1/customers', { external_id: 'portal_user', email: 'portal@example.com' });
  });
  afterAll(async () => {
    await world.closeAll();
  });

  it('opens a portal session and creates the default configuration once', async () => {
    const first = await world.call('POST', '/v1/portal/sessions', {
      customer: 'portal_user',
      return_url: `${SHOP}/account`,
    });
    expect(first.statusCode).toBe(201);
    expect(first.json<{ url: string }>().url).toMatch(/^http/);
    const second = await world.call('POST', '/v1/portal/sessions', {
      customer: 'portal_user',
      return_url: `${SHOP}/account`,
    });
    expect(second.statusCode).toBe(201);
    expect(world.stripeCount('billing_portal.configuration')).toBe(1);
    const configuration = world.emulator.context.state
      .table('billing_portal.configuration')
      .list()[0] as unknown as {
      features: {
        subscription_cancel: { mode: string; enabled: boolean };
        subscription_update: { enabled: boolean; products: Array<{ product: string }> };
        payment_method_update: { enabled: boolean };
      };
    };
    expect(configuration.features.subscription_cancel).toMatchObject({
      enabled: true,
      mode: 'at_period_end',
    });
    expect(configuration.features.subscription_update.enabled).toBe(true);
    expect(configuration.features.subscription_update.products.map((plan) => plan.product).sort()).toEqual([
      'prod_pro',
      'prod_team',
    ]);
    expect(configuration.features.payment_method_update.enabled).toBe(true);
  });

  it('refuses a return_url outside the allowed origins and an unknown customer', async () => {
    const evil = await world.call('POST', '/v1/portal/sessions', {
      customer: 'portal_user',
      return_url: 'https://evil.example/',
    });
    expect(evil.statusCode).toBe(400);
    expect(evil.json().error.param).toBe('return_url');
    const unknown = await world.call('POST', '/v1/portal/sessions', {
      customer: 'nobody',
      return_url: `${SHOP}/account`,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.param).toBe('customer');
  });
});
