// The outbound Stripe budget's configuration: Stripe's limits by key mode unless set, and bad values refused.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './load-config.js';
import { toStripeBudgetConfig } from './stripe-budget.js';

describe('STRIPE_RATE_BUDGET_* configuration', () => {
  it('defaults to 25 calls/s with a test key or an emulator, and 100 with a live key', () => {
    expect(parseConfig({ NODE_ENV: 'test' }).stripeBudget).toEqual({
      perSecond: 25,
      maxWaitMs: 2000,
      keyMode: 'test',
    });
    expect(
      parseConfig({ NODE_ENV: 'test', STRIPE_API_BASE: 'http://127.0.0.1:12111' }).stripeBudget.perSecond,
    ).toBe(25);
    const base = { STRIPE_RATE_BUDGET_PER_SECOND: undefined, STRIPE_RATE_BUDGET_MAX_WAIT_MS: 2000 };
    expect(toStripeBudgetConfig({ ...base, STRIPE_SECRET_KEY: 'sk_live_abc' }).stripeBudget).toMatchObject({
      perSecond: 100,
      keyMode: 'live',
    });
    expect(toStripeBudgetConfig({ ...base, STRIPE_SECRET_KEY: 'rk_live_abc' }).stripeBudget.keyMode).toBe(
      'live',
    );
    expect(toStripeBudgetConfig({ ...base, STRIPE_SECRET_KEY: 'sk_test_abc' }).stripeBudget.perSecond).toBe(
      25,
    );
  });

  it('takes a set budget and wait over the defaults', () => {
    const config = parseConfig({
      NODE_ENV: 'test',
      STRIPE_RATE_BUDGET_PER_SECOND: '60',
      STRIPE_RATE_BUDGET_MAX_WAIT_MS: '0',
    });
    expect(config.stripeBudget).toEqual({ perSecond: 60, maxWaitMs: 0, keyMode: 'test' });
  });

  it.each([
    ['STRIPE_RATE_BUDGET_PER_SECOND', '0'],
    ['STRIPE_RATE_BUDGET_PER_SECOND', '2.5'],
    ['STRIPE_RATE_BUDGET_MAX_WAIT_MS', '-1'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => parseConfig({ NODE_ENV: 'test', [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ NODE_ENV: 'test', [name]: value })).toThrow(name);
  });
});
