// Stripe's errors → our AppError codes. A 4xx the caller caused keeps Stripe's message and param; Stripe's own
// failures become 502/503/504 so callers can tell "my request was wrong" from "Stripe is having trouble".
import Stripe from 'stripe';
import { AppError } from '../errors.js';

export function toAppError(error: unknown, operation: string): AppError {
  if (error instanceof AppError) return error;
  if (!(error instanceof Stripe.errors.StripeError)) {
    return new AppError('upstream_failed', `Stripe call ${operation} failed`, { cause: error });
  }
  const param = error.param;
  switch (error.type) {
    case 'StripeCardError':
      return new AppError('payment_failed', error.message, { cause: error, param });
    case 'StripeInvalidRequestError':
      if (error.statusCode === 404) return new AppError('not_found', error.message, { cause: error, param });
      return new AppError('stripe_invalid_request', error.message, { cause: error, param });
    case 'StripeIdempotencyError':
      // Our keys are derived from stored intents with stored params: a mismatch is our bug, not the caller's.
      return new AppError('internal', `Stripe refused an idempotency key in ${operation}`, { cause: error });
    case 'StripeRateLimitError':
      return new AppError('stripe_rate_limited', 'Stripe is rate limiting our requests; retry shortly', {
        cause: error,
        retryAfterSeconds: 1,
      });
    case 'StripeConnectionError':
      if (/timeout/i.test(error.message)) {
        return new AppError('upstream_timeout', `Stripe did not answer ${operation} in time`, {
          cause: error,
        });
      }
      return new AppError('stripe_unavailable', `Could not reach Stripe for ${operation}`, {
        cause: error,
        retryAfterSeconds: 1,
      });
    case 'StripeAuthenticationError':
    case 'StripePermissionError':
      return new AppError('upstream_failed', `Stripe refused our credentials for ${operation}`, {
        cause: error,
      });
    default:
      // StripeAPIError: Stripe's 5xx, and the 409 of a request still running under the same idempotency key.
      if (error.rawType === 'idempotency_error' || error.statusCode === 409) {
        return new AppError('conflict', 'The same request is still running at Stripe; retry shortly', {
          cause: error,
          retryAfterSeconds: 1,
        });
      }
      return new AppError(
        'upstream_failed',
        `Stripe failed ${operation} (${error.statusCode ?? 'no status'})`,
        {
          cause: error,
        },
      );
  }
}

/** Errors the caller caused: they say nothing about Stripe's health, so the breaker does not count them. */
export function isCallerError(error: unknown): boolean {
  if (!(error instanceof Stripe.errors.StripeError)) return false;
  return (
    error.type === 'StripeCardError' ||
    error.type === 'StripeInvalidRequestError' ||
    error.type === 'StripeIdempotencyError' ||
    error.statusCode === 409
  );
}

/** Stripe's 409 "a request with this idempotency key is still running": worth waiting for and retrying. */
export function isInFlightConflict(error: unknown): boolean {
  return (
    error instanceof AppError && error.code === 'conflict' && error.cause instanceof Stripe.errors.StripeError
  );
}
