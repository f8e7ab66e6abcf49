// Stripe's request rate limit, emulated: when a test turns it on, `/v1/` requests past a rate are answered 429
// `rate_limit`, as Stripe answers an account that sends too many requests per second.
import { StripeError, invalidRequest } from './errors.js';

/** What `GET /_emulator/rate-limit` shows. */
export interface RequestRateLimitState {
  object: 'rate_limit';
  /** null: no limit (the default). */
  requests_per_second: number | null;
  /** Requests answered 429 since the limit was set. */
  limited: number;
  /** Requests let through since the limit was set. */
  admitted: number;
}

/**
 * A token bucket, the shape of Stripe's own request limiter: it holds `requests_per_second` tokens, refills at
 * that rate, and each request takes one. A burst of up to the rate passes at once; a sustained rate above it
 * gets 429s. Wall time, never the emulator's clock (a test clock moved by days must not refill it).
 */
export class RequestRateLimit {
  private ratePerSecond: number | null = null;
  private tokens = 0;
  private refilledAt = 0;
  private limited = 0;
  private admitted = 0;

  /** Turns the limit on (or changes it), with a full bucket and fresh counts. */
  set(body: Record<string, unknown>): RequestRateLimitState {
    const rate = body.requests_per_second;
    if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1 || rate > 100_000) {
      throw invalidRequest(
        'requests_per_second must be a whole number between 1 and 100000.',
        'requests_per_second',
      );
    }
    this.ratePerSecond = rate;
    this.tokens = rate;
    this.refilledAt = performance.now();
    this.limited = 0;
    this.admitted = 0;
    return this.describe();
  }

  clear(): void {
    this.ratePerSecond = null;
    this.limited = 0;
    this.admitted = 0;
  }

  describe(): RequestRateLimitState {
    return {
      object: 'rate_limit',
      requests_per_second: this.ratePerSecond,
      limited: this.limited,
      admitted: this.admitted,
    };
  }

  /** Takes a token for one request; false when the bucket is empty (the request gets 429). */
  admit(): boolean {
    if (this.ratePerSecond === null) return true;
    const now = performance.now();
    const refill = ((now - this.refilledAt) / 1000) * this.ratePerSecond;
    this.tokens = Math.min(this.ratePerSecond, this.tokens + refill);
    this.refilledAt = now;
    if (this.tokens < 1) {
      this.limited += 1;
      return false;
    }
    this.tokens -= 1;
    this.admitted += 1;
    return true;
  }
}

/** Stripe's answer to too many requests: 429, which the SDK raises as StripeRateLimitError. */
export function rateLimitExceeded(): StripeError {
  return new StripeError(
    429,
    'invalid_request_error',
    'Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.',
    { code: 'rate_limit' },
  );
}
