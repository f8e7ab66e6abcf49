// The outbound Stripe budget: how many calls per second this deployment makes to Stripe (all replicas together
// when REDIS_URL is set), and how long a call over it waits before it is refused with 503.
import type { stripeVariables } from './stripe.js';
import { integer, milliseconds, variable, type ParsedVariables } from './variable-spec.js';

/** Stripe's documented rate limits per account: 25 operations/s in test mode, 100 in live mode. */
export const DEFAULT_BUDGET_PER_SECOND = { test: 25, live: 100 } as const;

export const stripeBudgetVariables = {
  STRIPE_RATE_BUDGET_PER_SECOND: variable({
    schema: integer(1, 1_000_000).optional(),
    default: undefined,
    description:
      'Stripe calls per second, all replicas together with `REDIS_URL` (else per process), in 1 s windows. Unset: 25 with a test key or an emulator, 100 with a live key.',
  }),
  STRIPE_RATE_BUDGET_MAX_WAIT_MS: variable({
    schema: milliseconds(0),
    default: '2000',
    description:
      'How long a Stripe call over the budget waits for room, then 503 `stripe_rate_budget_exhausted` with `Retry-After` (the worker retries later). 0: refuse at once.',
  }),
} as const;

export type StripeKeyMode = 'test' | 'live';

/** What the gateway's budget needs: the rate, the wait, and the mode it is counted under. */
export interface StripeBudgetSettings {
  perSecond: number;
  maxWaitMs: number;
  /** From the secret key's prefix; an emulator (any `sk_test_` key) counts as test. */
  keyMode: StripeKeyMode;
}

export interface StripeBudgetConfig {
  stripeBudget: StripeBudgetSettings;
}

type StripeBudgetValues = ParsedVariables<typeof stripeBudgetVariables> &
  Pick<ParsedVariables<typeof stripeVariables>, 'STRIPE_SECRET_KEY'>;

export function keyModeOf(secretKey: string | undefined): StripeKeyMode {
  return secretKey !== undefined && /^(sk|rk)_live_/.test(secretKey) ? 'live' : 'test';
}

export function toStripeBudgetConfig(values: StripeBudgetValues): StripeBudgetConfig {
  const keyMode = keyModeOf(values.STRIPE_SECRET_KEY);
  return {
    stripeBudget: {
      perSecond: values.STRIPE_RATE_BUDGET_PER_SECOND ?? DEFAULT_BUDGET_PER_SECOND[keyMode],
      maxWaitMs: values.STRIPE_RATE_BUDGET_MAX_WAIT_MS,
      keyMode,
    },
  };
}
