// The webhook retry schedule: exponential backoff like Stripe's live mode.
export interface WebhookRetryOptions {
  /** Delay before the second attempt; each later one doubles, up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Attempts in flight at once per endpoint; they start in event order. */
  concurrency: number;
}

/** About three days of retries like Stripe's live mode: 10 s, 20 s, 40 s … capped at 6 h, 22 attempts. */
export const DEFAULT_WEBHOOK_RETRY: WebhookRetryOptions = {
  initialDelayMs: 10_000,
  maxDelayMs: 6 * 60 * 60 * 1000,
  maxAttempts: 22,
  timeoutMs: 10_000,
  concurrency: 4,
};

/** The wait before the next attempt after `attemptsSoFar` failed ones: doubling from initialDelayMs, capped. */
export function retryDelayMs(retry: WebhookRetryOptions, attemptsSoFar: number): number {
  return Math.min(retry.initialDelayMs * 2 ** (attemptsSoFar - 1), retry.maxDelayMs);
}
