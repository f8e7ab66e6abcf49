// Stripe: the credentials (secret key, webhook signing secrets), where calls go (Stripe, an emulator or the
// in-process one), the SDK's timeout and retries, the circuit breaker, and the start-up refusals around modes.
import { z } from 'zod';
import type { NodeEnvValues } from './node-env.js';
import {
  booleanFlag,
  commaList,
  integer,
  milliseconds,
  optionalUrl,
  variable,
  type ParsedVariables,
} from './variable-spec.js';

export const stripeVariables = {
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
  STRIPE_WEBHOOK_SECRET: variable({
    schema: commaList(z.string().startsWith('whsec_', 'each secret must start with whsec_')),
    default: '',
    secret: true,
    description:
      'Signing secrets of the Stripe webhook endpoint, comma-separated (several during a rotation: an event signed with any of them is accepted). Empty: every webhook is rejected.',
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
} as const;

/**
 * How the service reaches Stripe: `emulator` (STRIPE_API_BASE), `in_process_emulator` (nothing configured:
 * the dev launcher starts one), `stripe` (a real key against api.stripe.com).
 */
export type StripeMode = 'emulator' | 'in_process_emulator' | 'stripe';

export interface BreakerSettings {
  errorThresholdPercentage: number;
  resetTimeoutMs: number;
  volumeThreshold: number;
}

/** What the Stripe gateway needs to build its client and circuit breaker. */
export interface StripeSettings {
  secretKey: string;
  /** The emulator's base URL, or undefined for api.stripe.com. */
  apiBase: string | undefined;
  timeoutMs: number;
  maxNetworkRetries: number;
  breaker: BreakerSettings;
}

export interface StripeConfig {
  /** `livemode`: a live key (sk_live_/rk_live_); API keys of this deployment are then `bsk_live_…`. */
  stripe: StripeSettings & { mode: StripeMode; livemode: boolean; emulatorPort: number };
}

/** The key the SDK sends to an emulator, which accepts any well-formed test key. */
export const EMULATOR_SECRET_KEY = 'sk_test_emulator';

type StripeValues = ParsedVariables<typeof stripeVariables>;

export function toStripeConfig(values: StripeValues): StripeConfig {
  const mode: StripeMode =
    values.STRIPE_API_BASE !== undefined
      ? 'emulator'
      : values.STRIPE_SECRET_KEY === undefined
        ? 'in_process_emulator'
        : 'stripe';
  return {
    stripe: {
      mode,
      livemode: values.STRIPE_SECRET_KEY !== undefined && /^(sk|rk)_live_/.test(values.STRIPE_SECRET_KEY),
      secretKey: values.STRIPE_SECRET_KEY ?? EMULATOR_SECRET_KEY,
      apiBase: values.STRIPE_API_BASE,
      timeoutMs: values.STRIPE_TIMEOUT_MS,
      maxNetworkRetries: values.STRIPE_MAX_NETWORK_RETRIES,
      breaker: {
        errorThresholdPercentage: values.STRIPE_BREAKER_ERROR_THRESHOLD_PERCENT,
        volumeThreshold: values.STRIPE_BREAKER_VOLUME_THRESHOLD,
        resetTimeoutMs: values.STRIPE_BREAKER_RESET_TIMEOUT_MS,
      },
      emulatorPort: values.STRIPE_EMULATOR_PORT,
    },
  };
}

/** Problems that stop the start: a live key outside production, a test key or the emulator in production, … */
export function findStripeProblems(values: StripeValues & NodeEnvValues): string[] {
  const problems: string[] = [];
  const production = values.NODE_ENV === 'production';
  const key = values.STRIPE_SECRET_KEY;
  const live = key !== undefined && /^(sk|rk)_live_/.test(key);
  if (production && values.STRIPE_API_BASE !== undefined) {
    problems.push('STRIPE_API_BASE: the stripe-emulator is not allowed when NODE_ENV=production');
  }
  if (production && key === undefined) {
    problems.push('STRIPE_SECRET_KEY: is required when NODE_ENV=production');
  }
  if (!production && live) {
    problems.push('STRIPE_SECRET_KEY: a live key is only accepted when NODE_ENV=production');
  }
  if (production && key !== undefined && !live && !values.STRIPE_ALLOW_TEST_KEY_IN_PRODUCTION) {
    problems.push(
      'STRIPE_SECRET_KEY: a test key in production needs STRIPE_ALLOW_TEST_KEY_IN_PRODUCTION=true',
    );
  }
  if (live && values.STRIPE_API_BASE !== undefined) {
    problems.push('STRIPE_API_BASE: a live key is never sent to an emulator');
  }
  return problems;
}

/** False only for server.ts started in development with neither a key nor an emulator: calls would fail. */
export function isStripeConfigured(config: StripeConfig): boolean {
  return config.stripe.mode !== 'in_process_emulator' || config.stripe.apiBase !== undefined;
}
