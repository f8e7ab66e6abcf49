// One opossum circuit breaker around every Stripe call. When too many calls fail, it opens: calls fail at
// once with 503 stripe_unavailable and a Retry-After until the reset timeout, then one trial call decides.
import CircuitBreaker from 'opossum';
import type { BreakerSettings } from '../config/stripe.js';
import { AppError } from '../errors.js';
import { isRefusedByBudget } from './call-outcomes.js';
import { isCallerError } from './stripe-errors.js';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface StripeCircuit {
  run: <Result>(call: () => Promise<Result>) => Promise<Result>;
  state: () => BreakerState;
  /** Why it is open, for readiness: the last failure and when the next trial call may run. */
  describe: () => string;
  shutdown: () => void;
}

export function createStripeCircuit(settings: BreakerSettings): StripeCircuit {
  const breaker = new CircuitBreaker(async (call: () => Promise<unknown>) => call(), {
    // The SDK has its own timeout and retries; the breaker only counts outcomes.
    timeout: false,
    errorThresholdPercentage: settings.errorThresholdPercentage,
    resetTimeout: settings.resetTimeoutMs,
    volumeThreshold: settings.volumeThreshold,
    rollingCountTimeout: 10_000,
    rollingCountBuckets: 10,
    // Neither the caller's mistakes nor our own budget's refusals say anything about Stripe's health.
    errorFilter: (error: unknown) => isCallerError(error) || isRefusedByBudget(error),
  });
  let openedAt = 0;
  let lastFailure = 'none';
  breaker.on('open', () => {
    openedAt = Date.now();
  });
  breaker.on('failure', (error: unknown) => {
    lastFailure = error instanceof Error ? error.message : String(error);
  });

  const state = (): BreakerState => {
    if (breaker.opened) return 'open';
    if (breaker.halfOpen) return 'half_open';
    return 'closed';
  };
  const secondsUntilTrial = () =>
    Math.max(1, Math.ceil((openedAt + settings.resetTimeoutMs - Date.now()) / 1000));

  return {
    async run<Result>(call: () => Promise<Result>): Promise<Result> {
      try {
        return (await breaker.fire(call)) as Result;
      } catch (error) {
        if ((error as { code?: string }).code === 'EOPENBREAKER') {
          throw new AppError('stripe_unavailable', 'Stripe is unavailable (circuit open); retry later', {
            cause: error,
            retryAfterSeconds: secondsUntilTrial(),
          });
        }
        throw error;
      }
    },
    state,
    describe: () =>
      state() === 'open'
        ? `circuit open after failing calls (last: ${lastFailure}); next trial call in ${secondsUntilTrial()} s`
        : `circuit ${state()}`,
    shutdown: () => breaker.shutdown(),
  };
}
