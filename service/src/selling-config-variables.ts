// The environment variables of selling (issue 4): Stripe, API keys, rate limits, redirects, checkout and our
// idempotency keys. Spread into `variables` in config-variables.ts, so one schema still parses everything.
import { z } from 'zod';
import { booleanFlag, integer, milliseconds, originList, variable } from './config-schemas.js';

/** The fixed development key `npm start` creates and prints; documented, so never valid in production. */
export const DEFAULT_DEV_API_KEY = 'bsk_DevelopmentOnlyKeyNeverUseInProduction0';

const optionalUrl = (protocols: RegExp, message: string) =>
  z
    .string()
    .refine((value) => URL.canParse(value) && protocols.test(new URL(value).protocol), { message })
    .optional();

export const sellingVariables = {
  STRIPE_SECRET_KEY: variable({
    schema: z
      .string()
      .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, 'must be a Stripe secret key (sk_test_…, sk_live_…)')
      .optional(),
    default: undefined,
    secret: true,
    description:
      'Stripe secret key. `sk_test_…` outside production; `sk_live_…` only with NODE_ENV=production. Unset (and no `STRIPE_API_BASE`): `npm start` runs the stripe-emulator in-process.',
  }),
  STRIPE_API_BASE: variable({
    schema: optionalUrl(/^https?:$/, 'must be an http:// or https:// URL'),
    default: undefined,
    description:
      'Base URL of a stripe-emulator (e.g. `http://127.0.0.1:12111`) instead of api.stripe.com. Refused in production.',
  }),
  STRIPE_ALLOW_TEST_KEY_IN_PRODUCTION: variable({
    schema: booleanFlag,
    default: 'false',
    description: 'Let NODE_ENV=production start with an `sk_test_` key (a staging environment).',
  }),
  STRIPE_TIMEOUT_MS: variable({
    schema: milliseconds(100),
    default: '10000',
    description: 'Timeout of each Stripe HTTP attempt.',
  }),
  STRIPE_MAX_NETWORK_RETRIES: variable({
    schema: integer(0, 5),
    default: '2',
    description:
      "The SDK's retries of a failed Stripe call (connection errors, 409/429/5xx), always with the same idempotency key.",
  }),
  STRIPE_BREAKER_ERROR_THRESHOLD_PERCENT: variable({
    schema: integer(1, 100),
    default: '50',
    description: 'The circuit breaker opens when this share of Stripe calls in the last 10 s failed.',
  }),
  STRIPE_BREAKER_VOLUME_THRESHOLD: variable({
    schema: integer(1, 1000),
    default: '5',
    description: 'Fewest Stripe calls in the 10 s window before the breaker may open.',
  }),
  STRIPE_BREAKER_RESET_TIMEOUT_MS: variable({
    schema: milliseconds(100),
    default: '10000',
    description:
      'How long an open breaker answers 503 at once before one trial call (readiness makes it when idle).',
  }),
  STRIPE_EMULATOR_PORT: variable({
    schema: integer(0, 65_535),
    default: '12111',
    description: 'Port of the stripe-emulator that `npm start` runs in-process when no Stripe is configured.',
  }),
  DEV_API_KEY: variable({
    schema: z
      .string()
      .regex(/^bsk_[A-Za-z0-9]{32,}$/, 'must look like bsk_ followed by 32+ letters or digits'),
    default: DEFAULT_DEV_API_KEY,
    description:
      'The API key `npm start` creates (scopes billing, admin) and prints in development. Never created in production; setting it there is refused.',
  }),
  API_KEY_CACHE_TTL_MS: variable({
    schema: milliseconds(0),
    default: '10000',
    description:
      'Verified API keys are cached in each process for this long: a revoked key stops working within it.',
  }),
  RATE_LIMIT_MAX: variable({
    schema: integer(1, 10_000_000),
    default: '1200',
    description: 'Requests per API key per `RATE_LIMIT_WINDOW_MS`; more get 429 with `Retry-After`.',
  }),
  RATE_LIMIT_ANONYMOUS_MAX: variable({
    schema: integer(1, 10_000_000),
    default: '60',
    description: 'Requests per client IP per window to `/v1/` without a valid API key.',
  }),
  RATE_LIMIT_WINDOW_MS: variable({
    schema: milliseconds(1000),
    default: '60000',
    description: 'Window of the rate limits.',
  }),
  REDIS_URL: variable({
    schema: optionalUrl(/^rediss?:$/, 'must be a redis:// or rediss:// URL'),
    default: undefined,
    secret: true,
    description:
      'Redis for rate limits shared by every replica. Unset: each process counts on its own (in memory).',
  }),
  ALLOWED_REDIRECT_ORIGINS: variable({
    schema: originList,
    default: 'http://localhost:3000',
    description:
      'Comma-separated origins that `success_url`, `cancel_url` and `return_url` may point to (exact origin match).',
  }),
  REQUIRE_HTTPS_REDIRECTS: variable({
    schema: booleanFlag.optional(),
    default: undefined,
    description: 'Refuse http:// redirect URLs. Unset: true when NODE_ENV=production, false otherwise.',
  }),
  CHECKOUT_MAX_QUANTITY: variable({
    schema: integer(1, 999_999),
    default: '1000',
    description: 'Largest quantity of one checkout item.',
  }),
  IDEMPOTENCY_RETENTION_HOURS: variable({
    schema: integer(1, 24 * 30),
    default: '24',
    description: 'How long our API remembers an `Idempotency-Key` and its response.',
  }),
  CATALOG_SYNC_ON_START: variable({
    schema: booleanFlag,
    default: 'true',
    description:
      'Copy products and prices from Stripe when the API starts (a failure is logged, not fatal; `POST /v1/catalog/sync` runs it on demand).',
  }),
} as const;
