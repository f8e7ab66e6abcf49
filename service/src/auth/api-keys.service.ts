// API keys: `bsk_test_` or `bsk_live_` (the Stripe mode of the deployment that made them) + 43 base62
// characters (256 random bits); legacy `bsk_` + 43 keys made before modes keep working in either mode.
// Verification hashes the presented key and looks it up, with a short in-process cache so hot routes never hit
// the database per request: a revoked key stops working within the cache TTL, an expired one at once. Uses are
// collected in memory and written as `last_used_at` in one statement per flush interval.
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from '../db/pool.js';
import { withTransaction } from '../db/transaction.js';
import { AppError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import * as repo from './api-keys.repo.js';
import type { ApiKeyMode, ApiKeyRecord } from './api-keys.repo.js';
import { API_KEY_SCOPES, isApiKeyScope, type ApiKeyScope } from './scopes.js';

export type { ApiKeyMode, ApiKeyRecord } from './api-keys.repo.js';
export type { ApiKeyScope } from './scopes.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 43;
const keyFormat = /^bsk_(?:(test|live)_)?[A-Za-z0-9]{32,128}$/;
const MAX_CACHED = 10_000;

export interface VerifiedApiKey {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
}

/** Why a presented key was refused; each has its own message (and `wrong_mode` its own error code). */
export type ApiKeyRefusal = 'malformed' | 'unknown' | 'revoked' | 'expired' | 'wrong_mode';

export type ApiKeyVerification = { ok: true; key: VerifiedApiKey } | { ok: false; refusal: ApiKeyRefusal };

export interface ApiKeysService {
  /** The Stripe mode of this deployment: new keys are `bsk_<mode>_…`, keys of the other mode are refused. */
  mode: ApiKeyMode;
  /** Creates a key of this deployment's mode; the returned `key` is shown once and never stored. */
  create: (input: {
    name: string;
    scopes: readonly string[];
    expiresAt?: Date | null;
  }) => Promise<{ key: string; record: ApiKeyRecord }>;
  /** Makes sure a known key exists (the development key). */
  ensure: (input: { key: string; name: string; scopes: readonly string[] }) => Promise<void>;
  list: () => Promise<ApiKeyRecord[]>;
  revoke: (id: string) => Promise<ApiKeyRecord>;
  /**
   * A new key with the old one's name and scopes (in this deployment's mode); the old key keeps working for
   * `overlapMs`, so callers can switch without an outage, then expires.
   */
  rotate: (
    id: string,
    overlapMs: number,
  ) => Promise<{ key: string; record: ApiKeyRecord; previous: ApiKeyRecord }>;
  /** The key's identity, or why it is refused. */
  verify: (presented: string) => Promise<ApiKeyVerification>;
  /** Writes the uses collected so far (tests, and shutdown). */
  flushLastUsed: () => Promise<void>;
  /** Stops the flush timer after a last flush. */
  close: () => Promise<void>;
}

export function generateApiKey(mode: ApiKeyMode): string {
  // Rejection sampling keeps every base62 character equally likely.
  let random = '';
  while (random.length < RANDOM_LENGTH) {
    for (const byte of randomBytes(64)) {
      if (byte < 248 && random.length < RANDOM_LENGTH) random += BASE62[byte % 62];
    }
  }
  return `bsk_${mode}_${random}`;
}

/** The mode a key's prefix names, or null for a legacy `bsk_…` key. */
export function modeOfKey(key: string): ApiKeyMode | null {
  const mode = keyFormat.exec(key)?.[1];
  return mode === 'test' || mode === 'live' ? mode : null;
}

function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** The first characters shown in listings: the mode prefix and six random characters. */
function displayPrefix(key: string): string {
  return key.slice(0, (modeOfKey(key) === null ? 'bsk_'.length : 'bsk_test_'.length) + 6);
}

function parseScopes(scopes: readonly string[]): ApiKeyScope[] {
  if (scopes.length === 0 || !scopes.every(isApiKeyScope)) {
    throw new AppError(
      'validation_failed',
      `scopes: must be a non-empty list of ${API_KEY_SCOPES.join(', ')}`,
      {
        param: 'scopes',
      },
    );
  }
  return [...new Set(scopes)];
}

function refusalOf(
  record: ApiKeyRecord | undefined,
  mode: ApiKeyMode,
  now: number,
): ApiKeyRefusal | undefined {
  if (record === undefined) return 'unknown';
  if (record.revoked_at !== null) return 'revoked';
  if (record.expires_at !== null && record.expires_at.getTime() <= now) return 'expired';
  if (record.mode !== null && record.mode !== mode) return 'wrong_mode';
  return undefined;
}

export function createApiKeysService(options: {
  pool: Pool;
  logger: Logger;
  /** The Stripe mode this deployment runs in: keys of the other mode are refused. */
  mode: ApiKeyMode;
  cacheTtlMs: number;
  /** How often collected uses are written as last_used_at. */
  lastUsedFlushMs?: number;
}): ApiKeysService {
  const { pool, mode, cacheTtlMs } = options;
  const lastUsedFlushMs = options.lastUsedFlushMs ?? 60_000;
  const cache = new Map<string, { record: ApiKeyRecord | undefined; cachedUntil: number }>();
  const usedSinceFlush = new Set<string>();
  let flushTimer: NodeJS.Timeout | undefined;

  async function flushLastUsed(): Promise<void> {
    if (usedSinceFlush.size === 0) return;
    const ids = [...usedSinceFlush];
    usedSinceFlush.clear();
    await repo.touchApiKeysLastUsed(pool, ids).catch((error: unknown) => {
      options.logger.warn({ err: error, keys: ids.length }, 'could not record API key use');
    });
  }

  function recordUse(id: string): void {
    usedSinceFlush.add(id);
    if (flushTimer === undefined) {
      flushTimer = setInterval(() => void flushLastUsed(), lastUsedFlushMs);
      flushTimer.unref();
    }
  }

  async function insert(row: Omit<repo.NewApiKeyRow, 'keyHash' | 'keyPrefix'> & { key: string }) {
    const record = await repo.insertApiKey(pool, {
      ...row,
      keyHash: hashApiKey(row.key),
      keyPrefix: displayPrefix(row.key),
    });
    return record;
  }

  return {
    mode,

    /** Creates a key of this deployment's mode; the returned `key` is shown once and never stored. */
    async create(input: {
      name: string;
      scopes: readonly string[];
      expiresAt?: Date | null;
    }): Promise<{ key: string; record: ApiKeyRecord }> {
      const key = generateApiKey(mode);
      const record = await insert({
        key,
        name: input.name,
        scopes: parseScopes(input.scopes),
        mode,
        expiresAt: input.expiresAt ?? null,
      });
      if (record === undefined) throw new AppError('internal', 'API key collision; try again');
      return { key, record };
    },

    /** Makes sure a known key exists (the development key). */
    async ensure(input: { key: string; name: string; scopes: readonly string[] }): Promise<void> {
      if (!keyFormat.test(input.key)) throw new AppError('validation_failed', 'key: not an API key');
      await insert({
        key: input.key,
        name: input.name,
        scopes: parseScopes(input.scopes),
        mode: modeOfKey(input.key),
        expiresAt: null,
      });
    },

    list: () => repo.listApiKeys(pool),

    async revoke(id) {
      const record = /^[0-9a-f-]{36}$/i.test(id) ? await repo.revokeApiKey(pool, id) : undefined;
      if (record === undefined) throw new AppError('not_found', `No API key ${id}`);
      return record;
    },

    /**
     * A new key with the old one's name and scopes (in this deployment's mode); the old key keeps working for
     * `overlapMs`, so callers can switch without an outage, then expires.
     */
    async rotate(
      id: string,
      overlapMs: number,
    ): Promise<{ key: string; record: ApiKeyRecord; previous: ApiKeyRecord }> {
      if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('not_found', `No API key ${id}`);
      return withTransaction(pool, async (client) => {
        const old = await repo.findApiKeyForUpdate(client, id);
        if (old === undefined) throw new AppError('not_found', `No API key ${id}`);
        const refusal = refusalOf(old, old.mode ?? mode, Date.now());
        if (refusal !== undefined)
          throw new AppError('conflict', `API key ${id} is ${refusal}; create a new one`);
        const key = generateApiKey(mode);
        const record = await repo.insertApiKey(client, {
          name: old.name,
          keyHash: hashApiKey(key),
          keyPrefix: displayPrefix(key),
          scopes: old.scopes,
          mode,
          expiresAt: null,
          rotatedFrom: old.id,
        });
        if (record === undefined) throw new AppError('internal', 'API key collision; try again');
        const previous = await repo.expireApiKeyAfter(client, old.id, overlapMs);
        cache.clear();
        return { key, record, previous };
      });
    },

    /** The key's identity, or why it is refused. */
    async verify(presented: string): Promise<ApiKeyVerification> {
      if (!keyFormat.test(presented)) return { ok: false, refusal: 'malformed' };
      const hash = hashApiKey(presented);
      const cacheKey = hash.toString('base64');
      const now = Date.now();
      let entry = cache.get(cacheKey);
      if (entry === undefined || entry.cachedUntil <= now) {
        entry = { record: await repo.findApiKeyByHash(pool, hash), cachedUntil: now + cacheTtlMs };
        if (cache.size >= MAX_CACHED) cache.clear();
        if (cacheTtlMs > 0) cache.set(cacheKey, entry);
      }
      const { record } = entry;
      const refusal = refusalOf(record, mode, now);
      if (refusal !== undefined || record === undefined) return { ok: false, refusal: refusal ?? 'unknown' };
      recordUse(record.id);
      return { ok: true, key: { id: record.id, name: record.name, scopes: record.scopes } };
    },

    /** Writes the uses collected so far (tests, and shutdown). */
    flushLastUsed,

    async close(): Promise<void> {
      clearInterval(flushTimer);
      flushTimer = undefined;
      await flushLastUsed();
    },
  };
}
