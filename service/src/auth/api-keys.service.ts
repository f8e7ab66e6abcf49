// API keys: `bsk_` + 43 base62 characters (256 random bits). Verification hashes the presented key and looks
// it up, with a short in-process cache so hot routes never hit the database per request; a revoked key stops
// working within the cache TTL.
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import * as repo from './api-keys.repo.js';
import type { ApiKeyRecord, ApiKeyScope } from './api-keys.repo.js';

export type { ApiKeyRecord, ApiKeyScope } from './api-keys.repo.js';

export const API_KEY_SCOPES: readonly ApiKeyScope[] = ['billing', 'admin'];
const KEY_PREFIX = 'bsk_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const keyFormat = /^bsk_[A-Za-z0-9]{32,128}$/;

export interface VerifiedApiKey {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
}

export interface ApiKeysService {
  /** Creates a key; the returned `key` is shown once and never stored. */
  create: (input: {
    name: string;
    scopes: readonly string[];
  }) => Promise<{ key: string; record: ApiKeyRecord }>;
  /** Makes sure a known key exists (the development key). */
  ensure: (input: { key: string; name: string; scopes: readonly string[] }) => Promise<void>;
  list: () => Promise<ApiKeyRecord[]>;
  revoke: (id: string) => Promise<ApiKeyRecord>;
  /** The key's identity, or undefined when the key is malformed, unknown or revoked. */
  verify: (presented: string) => Promise<VerifiedApiKey | undefined>;
}

export function generateApiKey(): string {
  // Rejection sampling keeps every base62 character equally likely.
  let key = KEY_PREFIX;
  while (key.length < KEY_PREFIX.length + 43) {
    for (const byte of randomBytes(64)) {
      if (byte < 248 && key.length < KEY_PREFIX.length + 43) key += BASE62[byte % 62];
    }
  }
  return key;
}

function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export function createApiKeysService(options: {
  pool: Pool;
  logger: Logger;
  cacheTtlMs: number;
}): ApiKeysService {
  const { pool, cacheTtlMs } = options;
  const cache = new Map<string, { key: VerifiedApiKey | undefined; expiresAt: number }>();
  const lastTouched = new Map<string, number>();
  const MAX_CACHED = 10_000;

  function parseScopes(scopes: readonly string[]): ApiKeyScope[] {
    const unknown = scopes.filter((scope) => !API_KEY_SCOPES.includes(scope as ApiKeyScope));
    if (scopes.length === 0 || unknown.length > 0) {
      throw new AppError(
        'validation_failed',
        `scopes: must be a non-empty list of ${API_KEY_SCOPES.join(', ')}`,
        {
          param: 'scopes',
        },
      );
    }
    return [...new Set(scopes as ApiKeyScope[])];
  }

  return {
    async create(input) {
      const key = generateApiKey();
      const record = await repo.insertApiKey(pool, {
        name: input.name,
        keyHash: hashApiKey(key),
        keyPrefix: key.slice(0, 12),
        scopes: parseScopes(input.scopes),
      });
      if (record === undefined) throw new AppError('internal', 'API key collision; try again');
      return { key, record };
    },

    async ensure(input) {
      if (!keyFormat.test(input.key)) throw new AppError('validation_failed', 'key: not an API key');
      await repo.insertApiKey(pool, {
        name: input.name,
        keyHash: hashApiKey(input.key),
        keyPrefix: input.key.slice(0, 12),
        scopes: parseScopes(input.scopes),
      });
    },

    list: () => repo.listApiKeys(pool),

    async revoke(id) {
      const record = /^[0-9a-f-]{36}$/i.test(id) ? await repo.revokeApiKey(pool, id) : undefined;
      if (record === undefined) throw new AppError('not_found', `No API key ${id}`);
      return record;
    },

    async verify(presented) {
      if (!keyFormat.test(presented)) return undefined;
      const hash = hashApiKey(presented);
      const cacheKey = hash.toString('base64');
      const now = Date.now();
      const cached = cache.get(cacheKey);
      if (cached !== undefined && cached.expiresAt > now) return cached.key;
      const record = await repo.findActiveApiKeyByHash(pool, hash);
      const verified = record && { id: record.id, name: record.name, scopes: record.scopes };
      if (cache.size >= MAX_CACHED) cache.clear();
      if (cacheTtlMs > 0) cache.set(cacheKey, { key: verified, expiresAt: now + cacheTtlMs });
      if (verified !== undefined && (lastTouched.get(verified.id) ?? 0) < now - 60_000) {
        lastTouched.set(verified.id, now);
        repo.touchApiKeyLastUsed(pool, verified.id).catch((error: unknown) => {
          options.logger.warn({ err: error }, 'could not record API key use');
        });
      }
      return verified;
    },
  };
}
