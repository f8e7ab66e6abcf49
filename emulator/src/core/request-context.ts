// The API request an event is attributed to (`event.request`), carried through async work.
import { AsyncLocalStorage } from 'node:async_hooks';

/** What Stripe records on an event about the API request that caused it (`event.request`). */
export interface ApiRequestContext {
  id: string;
  idempotencyKey: string | null;
}

const storage = new AsyncLocalStorage<ApiRequestContext>();

/** Runs `work` with the API request in scope, so events it emits carry `request.id` and `idempotency_key`. */
export function runInRequest<T>(context: ApiRequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The API request in scope, or undefined for automatic events (renewals, expiries, clock advances). */
export function currentRequest(): ApiRequestContext | undefined {
  return storage.getStore();
}

/**
 * Runs `work` with no API request in scope: for what Stripe does on its own (clock advances, hosted-page actions
 * by the customer), whose events carry `request.id: null` even when an HTTP request triggered them.
 */
export function runOutsideRequest<T>(work: () => T): T {
  return storage.exit(work);
}
