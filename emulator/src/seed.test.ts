// Tests of the seed catalog.
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from './index.js';
import { stripeClientFor } from './test-support/sdk.js';

const running: RunningEmulator[] = [];
afterAll(async () => {
  for (const emulator of running) await emulator.close();
});

describe('seed catalog', () => {
  it('creates products with their prices, lookup keys, metadata and default price', async () => {
    const emulator = await startEmulator({
      seed: {
        products: [
          {
            id: 'prod_team',
            name: 'Team',
            metadata: { features: 'sso,audit' },
            marketing_features: [{ name: 'SSO' }],
            prices: [
              {
                lookup_key: 'team_monthly',
                unit_amount: 5000,
                currency: 'usd',
                recurring: { interval: 'month' },
                default: true,
              },
              {
                lookup_key: 'team_yearly',
                unit_amount: 50000,
                currency: 'usd',
                recurring: { interval: 'year' },
              },
            ],
          },
          { name: 'Credits', prices: [{ lookup_key: 'credits', unit_amount: 100, currency: 'usd' }] },
        ],
      },
    });
    running.push(emulator);
    expect(emulator.seeded).toEqual({ products: 2, prices: 3 });
    const stripe = stripeClientFor(emulator);
    const product = await stripe.products.retrieve('prod_team');
    expect(product).toMatchObject({
      metadata: { features: 'sso,audit' },
      marketing_features: [{ name: 'SSO' }],
    });
    const [monthly] = (await stripe.prices.list({ lookup_keys: ['team_monthly'] })).data;
    expect(product.default_price).toBe(monthly?.id);
    expect(monthly).toMatchObject({
      unit_amount: 5000,
      recurring: { interval: 'month' },
      product: 'prod_team',
    });
  });

  it('refuses a malformed seed with the path of the bad entry', async () => {
    await expect(
      startEmulator({ seed: { products: [{ name: 'A', prices: [{ unit_amount: 1 }] }] } }),
    ).rejects.toThrow('seed: products[0].prices[0] (currency): Missing required param: currency.');
    await expect(startEmulator({ seed: { items: [] } })).rejects.toThrow(/products/);
    await expect(startEmulator({ seed: { products: [{ name: 'A', colour: 'red' }] } })).rejects.toThrow(
      'seed: products[0] (colour): Received unknown parameter: colour',
    );
  });
});
