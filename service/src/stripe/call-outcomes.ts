// What a caller of the gateway does with a failed call, without knowing the SDK's errors: the object Stripe does
// not know, a refusal (the request was wrong, so retrying it cannot help), a call our own Stripe budget held back
// (it never reached Stripe; retry later), and a write Stripe is still processing.
import { AppError } from '../errors.js';
import { isCallerError, isInFlightConflict } from './stripe-errors.js';

/** How often, and how long apart, a write Stripe is still processing under our idempotency key is retried. */
const IN_FLIGHT_RETRIES = 40;
const IN_FLIGHT_WAIT_MS = 150;

/** The object the call reads, or undefined when Stripe does not know it (deleted, or another account's). */
export async function unlessNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return undefined;
    throw error;
  }
}

/** Stripe refused the request itself (card declined, invalid parameters): the same request will fail again. */
export function isRefusedByStripe(error: unknown): boolean {
  return isCallerError(error instanceof AppError ? error.cause : error);
}

/**
 * Our outbound budget refused the call (503 stripe_rate_budget_exhausted): it never reached Stripe, says nothing
 * about Stripe's health, and the same call succeeds once there is room again — a transient failure, never a dead end.
 */
export function isRefusedByBudget(error: unknown): boolean {
  return error instanceof AppError && error.code === 'stripe_rate_budget_exhausted';
}

/**
 * Runs a Stripe write, and while Stripe answers that a request with the same idempotency key is still running
 * (another replica or request is making this very write), waits and runs it again: the key then returns the one
 * result. `settledMeanwhile` may look for that result elsewhere (our row, linked by the other request) after each
 * wait and end the retries early.
 */
export async function retryWhileInFlight<Result>(
  write: () => Promise<Result>,
  settledMeanwhile?: () => Promise<Result | undefined>,
): Promise<Result> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!isInFlightConflict(error) || attempt >= IN_FLIGHT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_WAIT_MS));
      const settled = await settledMeanwhile?.();
      if (settled !== undefined) return settled;
    }
  }
}
