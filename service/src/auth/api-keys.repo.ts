// SQL of the api_keys table. Keys are stored as their SHA-256; the key itself is never stored.
import type { Queryable } from '../db/queryable.js';
import type { ApiKeyScope } from './scopes.js';

export type ApiKeyMode = 'test' | 'live';

export interface ApiKeyRecord {
  id: string;
  name: string;
  key_prefix: string;
  scopes: ApiKeyScope[];
  /** The Stripe mode the key was made for; null for a legacy `bsk_…` key made before modes. */
  mode: ApiKeyMode | null;
  created_at: Date;
  revoked_at: Date | null;
  expires_at: Date | null;
  last_used_at: Date | null;
  rotated_from: string | null;
}

const columns =
  'id, name, key_prefix, scopes, mode, created_at, revoked_at, expires_at, last_used_at, rotated_from';

export interface NewApiKeyRow {
  name: string;
  keyHash: Buffer;
  keyPrefix: string;
  scopes: ApiKeyScope[];
  mode: ApiKeyMode | null;
  expiresAt: Date | null;
  rotatedFrom?: string;
}

export async function insertApiKey(db: Queryable, input: NewApiKeyRow): Promise<ApiKeyRecord | undefined> {
  const result = await db.query<ApiKeyRecord>(
    `INSERT INTO api_keys (name, key_hash, key_prefix, scopes, mode, expires_at, rotated_from)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (key_hash) DO NOTHING RETURNING ${columns}`,
    [
      input.name,
      input.keyHash,
      input.keyPrefix,
      input.scopes,
      input.mode,
      input.expiresAt,
      input.rotatedFrom ?? null,
    ],
  );
  return result.rows[0];
}

/** The key with this hash, revoked and expired ones included (the caller says which failure it was). */
export async function findApiKeyByHash(db: Queryable, keyHash: Buffer): Promise<ApiKeyRecord | undefined> {
  const result = await db.query<ApiKeyRecord>(`SELECT ${columns} FROM api_keys WHERE key_hash = $1`, [
    keyHash,
  ]);
  return result.rows[0];
}

export async function findApiKeyForUpdate(db: Queryable, id: string): Promise<ApiKeyRecord | undefined> {
  const result = await db.query<ApiKeyRecord>(`SELECT ${columns} FROM api_keys WHERE id = $1 FOR UPDATE`, [
    id,
  ]);
  return result.rows[0];
}

export async function listApiKeys(db: Queryable): Promise<ApiKeyRecord[]> {
  const result = await db.query<ApiKeyRecord>(`SELECT ${columns} FROM api_keys ORDER BY created_at, id`);
  return result.rows;
}

export async function revokeApiKey(db: Queryable, id: string): Promise<ApiKeyRecord | undefined> {
  const result = await db.query<ApiKeyRecord>(
    `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${columns}`,
    [id],
  );
  return result.rows[0];
}

/** Ends a key's life after `overlapMs` (or sooner, if it already expires before that). */
export async function expireApiKeyAfter(db: Queryable, id: string, overlapMs: number): Promise<ApiKeyRecord> {
  const result = await db.query<ApiKeyRecord>(
    `UPDATE api_keys
     SET expires_at = least(coalesce(expires_at, 'infinity'), now() + $2 * interval '1 millisecond')
     WHERE id = $1 RETURNING ${columns}`,
    [id, overlapMs],
  );
  return result.rows[0]!;
}

/** Records the use of a batch of keys in one statement (the service collects uses in memory between flushes). */
export async function touchApiKeysLastUsed(db: Queryable, ids: readonly string[]): Promise<void> {
  await db.query(`UPDATE api_keys SET last_used_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
}
