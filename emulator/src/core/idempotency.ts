// The idempotency store: saved responses per key, their fingerprints and expiry.
import { StripeError, invalidRequest } from './errors.js';
import type { Params } from './params.js';

/**
 * Stripe's idempotency layer for `POST /v1/...`: the first response to a key (status and exact body bytes, errors
 * included) is saved once the endpoint starts executing and replayed for later requests with the same key and
 * the same parameters. Keys are scoped per API key and forgotten 24 hours after first use, in wall time: Stripe
 * keeps a key for a day of real time whatever test clocks say, so moving the emulator's clock forward a month
 * must not let a client's retry with the same key create a second object.
 * Requests rejected before execution (bad API key, params that fail validation, injected faults, a concurrent
 * duplicate) save nothing, so the same key can be retried.
 */
export interface StoredResponse {
  statusCode: number;
  body: string;
  /** The `Request-Id` of the request that executed; replays send it as `Original-Request`. */
  requestId: string;
}

export type IdempotencyOutcome =
  { kind: 'execute' } | { kind: 'replay'; response: StoredResponse } | { kind: 'reject'; error: StripeError };

interface Entry {
  endpoint: string;
  fingerprint: string;
  firstUsedAt: number;
  /** null while the first request is still executing. */
  response: StoredResponse | null;
}

export interface IdempotencyOptions {
  ttlSeconds?: number;
  /** Stripe keeps every key for 24 h; an emulator under load keeps at most this many, forgetting the oldest. */
  maxEntries?: number;
  /** Wall-clock unix seconds; a test gives its own. */
  now?: () => number;
}

const MAX_KEY_LENGTH = 255;

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlSeconds: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: IdempotencyOptions = {}) {
    this.ttlSeconds = options.ttlSeconds ?? 24 * 60 * 60;
    this.maxEntries = options.maxEntries ?? 50_000;
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Decides what to do with a request carrying `key`; on `execute` the key is held until complete/abandon. */
  begin(scope: string, key: string, method: string, path: string, params: Params): IdempotencyOutcome {
    if (key.length > MAX_KEY_LENGTH) {
      return {
        kind: 'reject',
        error: invalidRequest(
          `Invalid Idempotency-Key: must be at most ${MAX_KEY_LENGTH} characters long.`,
          undefined,
          'idempotency_key_invalid',
        ),
      };
    }
    this.prune();
    const endpoint = `${method} ${path}`;
    const fingerprint = fingerprintOf(params);
    const entryKey = `${scope}\u0000${key}`;
    const existing = this.entries.get(entryKey);
    if (!existing) {
      this.entries.set(entryKey, { endpoint, fingerprint, firstUsedAt: this.now(), response: null });
      return { kind: 'execute' };
    }
    if (existing.endpoint !== endpoint) {
      return {
        kind: 'reject',
        error: idempotencyError(
          400,
          `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${existing.endpoint}' vs '${endpoint}'). Try using a key other than '${key}' if you meant to execute a different request.`,
        ),
      };
    }
    if (existing.fingerprint !== fingerprint) {
      return {
        kind: 'reject',
        error: idempotencyError(
          400,
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        ),
      };
    }
    if (!existing.response) {
      return {
        kind: 'reject',
        error: idempotencyError(
          409,
          `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
        ),
      };
    }
    return { kind: 'replay', response: existing.response };
  }

  /** Saves the executed request's response for replay. */
  complete(scope: string, key: string, response: StoredResponse): void {
    const entry = this.entries.get(`${scope}\u0000${key}`);
    if (entry && !entry.response) entry.response = response;
  }

  /** Releases a key whose request never produced a response (client went away mid-flight). */
  abandon(scope: string, key: string): void {
    const entryKey = `${scope}\u0000${key}`;
    if (this.entries.get(entryKey)?.response === null) this.entries.delete(entryKey);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries sit in first-use order, so expired ones are always at the front. */
  private prune(): void {
    const cutoff = this.now() - this.ttlSeconds;
    for (const [entryKey, entry] of this.entries) {
      if (entry.firstUsedAt > cutoff && this.entries.size < this.maxEntries) break;
      this.entries.delete(entryKey);
    }
  }
}

function idempotencyError(status: number, message: string): StripeError {
  return new StripeError(status, 'idempotency_error', message);
}

/**
 * Parameters compared as values: key order in the form body does not matter, values do. The canonical JSON itself
 * is the fingerprint (no digest): it is a fraction of the response body kept beside it, and hashing cost more CPU
 * than anything else in the idempotency layer.
 */
function fingerprintOf(params: Params): string {
  return stableJson(params);
}

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJson(record[key])}`).join(',')}}`;
}
