// SQL of the api_keys table. Keys are stored as their SHA-256; the key itself is never stored.
import type { Queryable } from '../db/queryable.js';

export type ApiKeyScope = 'billing' | 'admin';

export interface ApiKeyRecord {
  id: string;
  name: string;
  key_prefix: string;
  scopes: ApiKeyScope[];
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const columns = 'id, name, key_prefix, scopes, created_at, revoked_at, last_used_at';

export async function insertApiKey(
  db: Queryable,
  input: { name: string; keyHash: Buffer; keyPrefix: string; scopes: ApiKeyScope[] },
): Promise<ApiKeyRecord | undefined> {
  const result = await db.query<ApiKeyRecord>(
    `INSERT INTO api_keys (name, key_hash, key_prefix, scopes) VALUES ($1, $2, $3, $4)
     ON CONFLICT (key_hash) DO NOTHING RETURNING ${columns}`,
    [input.name, input.keyHash, input.keyPrefix, input.scopes],
  );
  return result.rows[0];
}

export async function findActiveApiKeyByHash(
  db: Queryable,
  keyHash: Buffer,
): Promise<ApiKeyRecord | undefined> {
  const result = await db.query<ApiKeyRecord>(
    `SELECT ${columns} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
    [keyHash],
  );
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

/** Records use, at most once a minute per key, so busy keys do not write on every request. */
export async function touchApiKeyLastUsed(db: Queryable, id: string): Promise<void> {
  await db.query(
    `UPDATE api_keys SET last_used_at = now()
     WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [id],
  );
}
