// Typed selling configuration and the start-up refusals around Stripe modes, built from the parsed
// environment by config.ts (which stays the only reader of process.env).
import type { Environment } from './config-variables.js';
import type { StripeSettings } from './stripe/gateway.js';

/**
 * How the service reaches Stripe: `emulator` (STRIPE_API_BASE), `in_process_emulator` (nothing configured:
 * the dev launcher starts one), `stripe` (a real key against api.stripe.com).
 */
export type StripeMode = 'emulator' | 'in_process_emulator' | 'stripe';

export interface SellingConfig {
  stripe: StripeSettings & { mode: StripeMode; emulatorPort: number };
  auth: { cacheTtlMs: number; devApiKey: string };
  rateLimit: { max: number; anonymousMax: number; windowMs: number; redisUrl: string | undefined };
  redirects: { allowedOrigins: string[]; requireHttps: boolean };
  checkout: { maxQuantity: number };
  idempotency: { retentionHours: number };
  catalog: { syncOnStart: boolean };
}

/** The key the SDK sends to an emulator, which accepts any well-formed test key. */
export const EMULATOR_SECRET_KEY = 'sk_test_emulator';

export function toSellingConfig(environment: Environment): SellingConfig {
  const mode: StripeMode =
    environment.STRIPE_API_BASE !== undefined
      ? 'emulator'
      : environment.STRIPE_SECRET_KEY === undefined
        ? 'in_process_emulator'
        : 'stripe';
  return {
    stripe: {
      mode,
      secretKey: environment.STRIPE_SECRET_KEY ?? EMULATOR_SECRET_KEY,
      apiBase: environment.STRIPE_API_BASE,
      timeoutMs: environment.STRIPE_TIMEOUT_MS,
      maxNetworkRetries: environment.STRIPE_MAX_NETWORK_RETRIES,
      breaker: {
        errorThresholdPercentage: environment.STRIPE_BREAKER_ERROR_THRESHOLD_PERCENT,
        volumeThreshold: environment.STRIPE_BREAKER_VOLUME_THRESHOLD,
        resetTimeoutMs: environment.STRIPE_BREAKER_RESET_TIMEOUT_MS,
      },
      emulatorPort: environment.STRIPE_EMULATOR_PORT,
    },
    auth: { cacheTtlMs: environment.API_KEY_CACHE_TTL_MS, devApiKey: environment.DEV_API_KEY },
    rateLimit: {
      max: environment.RATE_LIMIT_MAX,
      anonymousMax: environment.RATE_LIMIT_ANONYMOUS_MAX,
      windowMs: environment.RATE_LIMIT_WINDOW_MS,
      redisUrl: environment.REDIS_URL,
    },
    redirects: {
      allowedOrigins: environment.ALLOWED_REDIRECT_ORIGINS,
      requireHttps: environment.REQUIRE_HTTPS_REDIRECTS ?? environment.NODE_ENV === 'production',
    },
    checkout: { maxQuantity: environment.CHECKOUT_MAX_QUANTITY },
    idempotency: { retentionHours: environment.IDEMPOTENCY_RETENTION_HOURS },
    catalog: { syncOnStart: environment.CATALOG_SYNC_ON_START },
  };
}

/** Problems that stop the start: a live key outside production, a test key or the emulator in production, … */
export function findSellingProblems(
  environment: Environment,
  rawEnvironment: Record<string, string | undefined>,
): string[] {
  const problems: string[] = [];
  const production = environment.NODE_ENV === 'production';
  const key = environment.STRIPE_SECRET_KEY;
  const live = key !== undefined && /^(sk|rk)_live_/.test(key);
  if (production && environment.STRIPE_API_BASE !== undefined) {
    problems.push('STRIPE_API_BASE: the stripe-emulator is not allowed when NODE_ENV=production');
  }
  if (production && key === undefined) {
    problems.push('STRIPE_SECRET_KEY: is required when NODE_ENV=production');
  }
  if (!production && live) {
    problems.push('STRIPE_SECRET_KEY: a live key is only accepted when NODE_ENV=production');
  }
  if (production && key !== undefined && !live && !environment.STRIPE_ALLOW_TEST_KEY_IN_PRODUCTION) {
    problems.push(
      'STRIPE_SECRET_KEY: a test key in production needs STRIPE_ALLOW_TEST_KEY_IN_PRODUCTION=true',
    );
  }
  if (live && environment.STRIPE_API_BASE !== undefined) {
    problems.push('STRIPE_API_BASE: a live key is never sent to an emulator');
  }
  if (production && (rawEnvironment.DEV_API_KEY ?? '').trim() !== '') {
    problems.push('DEV_API_KEY: the development key is refused when NODE_ENV=production');
  }
  const requireHttps = environment.REQUIRE_HTTPS_REDIRECTS ?? production;
  const insecure = environment.ALLOWED_REDIRECT_ORIGINS.filter((origin) => origin.startsWith('http:'));
  if (requireHttps && insecure.length > 0) {
    problems.push(
      `ALLOWED_REDIRECT_ORIGINS: ${insecure.join(', ')} is not https (REQUIRE_HTTPS_REDIRECTS is on)`,
    );
  }
  return problems;
}

/** False only for server.ts started in development with neither a key nor an emulator: calls would fail. */
export function isStripeConfigured(config: SellingConfig): boolean {
  return config.stripe.mode !== 'in_process_emulator' || config.stripe.apiBase !== undefined;
}
