// The Stripe modes (Stripe, an emulator, the in-process one) and the refusals around keys and production.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './load-config.js';
import { startServiceProcess } from '../test-support/service-process.js';

function problemsOf(environment: Record<string, string>): string[] {
  try {
    parseConfig(environment);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db/billing',
  ALLOWED_REDIRECT_ORIGINS: 'https://app.example.com',
};

describe('Stripe modes', () => {
  it('uses an emulator when STRIPE_API_BASE is set, the in-process one when nothing is, Stripe with a key', () => {
    expect(parseConfig({ STRIPE_API_BASE: 'http://127.0.0.1:12111' }).stripe).toMatchObject({
      mode: 'emulator',
      apiBase: 'http://127.0.0.1:12111',
    });
    expect(parseConfig({}).stripe.mode).toBe('in_process_emulator');
    expect(parseConfig({ STRIPE_SECRET_KEY: 'sk_test_abc' }).stripe).toMatchObject({
      mode: 'stripe',
      apiBase: undefined,
    });
  });

  it('refuses a live key outside production, and never sends it to an emulator', () => {
    expect(problemsOf({ STRIPE_SECRET_KEY: 'sk_live_abc' })).toEqual([
      'STRIPE_SECRET_KEY: a live key is only accepted when NODE_ENV=production',
    ]);
    expect(
      problemsOf({ ...production, STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_API_BASE: 'http://x:1' }),
    ).toContain('STRIPE_API_BASE: a live key is never sent to an emulator');
  });

  it('refuses a test key in production unless explicitly allowed, and the emulator in production', () => {
    expect(problemsOf({ ...production, STRIPE_SECRET_KEY: 'sk_test_abc' })).toEqual([
      'STRIPE_SECRET_KEY: a test key in production needs STRIPE_ALLOW_TEST_KEY_IN_PRODUCTION=true',
    ]);
    expect(
      problemsOf({
        ...production,
        STRIPE_SECRET_KEY: 'sk_test_abc',
        STRIPE_ALLOW_TEST_KEY_IN_PRODUCTION: 'true',
      }),
    ).toEqual([]);
    expect(problemsOf({ ...production })).toEqual([
      'STRIPE_SECRET_KEY: is required when NODE_ENV=production',
    ]);
    expect(
      problemsOf({ ...production, STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_API_BASE: 'http://x:1' }),
    ).toContain('STRIPE_API_BASE: the stripe-emulator is not allowed when NODE_ENV=production');
    expect(problemsOf({ ...production, STRIPE_SECRET_KEY: 'sk_live_abc' })).toEqual([]);
  });

  it('refuses the dev API key and http redirect origins in production, and masks the Stripe key', () => {
    expect(
      problemsOf({ ...production, STRIPE_SECRET_KEY: 'sk_live_abc', DEV_API_KEY: `bsk_${'a'.repeat(40)}` }),
    ).toEqual(['DEV_API_KEY: the development key is refused when NODE_ENV=production']);
    expect(
      problemsOf({
        ...production,
        STRIPE_SECRET_KEY: 'sk_live_abc',
        ALLOWED_REDIRECT_ORIGINS: 'http://app.example.com',
      }),
    ).toEqual([
      'ALLOWED_REDIRECT_ORIGINS: http://app.example.com is not https (REQUIRE_HTTPS_REDIRECTS is on)',
    ]);
    expect(parseConfig({ STRIPE_SECRET_KEY: 'sk_test_secret123' }).secrets).toContain('sk_test_secret123');
    expect(problemsOf({ STRIPE_SECRET_KEY: 'pk_test_abc' })[0]).toContain(
      'STRIPE_SECRET_KEY: must be a Stripe secret key',
    );
  });

  it('stops the launcher with a message instead of starting an emulator in production', async () => {
    const service = startServiceProcess('src/launcher.ts', {
      ...production,
      STRIPE_API_BASE: 'http://127.0.0.1:1',
    });
    const { code } = await service.exited;
    expect(code).toBe(78);
    expect(service.stderr()).toContain(
      'STRIPE_API_BASE: the stripe-emulator is not allowed when NODE_ENV=production',
    );
  });
});
