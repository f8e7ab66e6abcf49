// SQL of our own Idempotency-Key records (see idempotency.plugin.ts for the protocol).
import type { Queryable } from '../db/queryable.js';

export interface IdempotencyRecord {
  request_fingerprint: string;
  status: 'running' | 'completed';
  response_status: number | null;
  response_content_type: string | null;
  response_body: Buffer | null;
  expires_at: Date;
}

/**
 * Inserts a running record; false when the key already has a live one. An expired record, or a running one
 * abandoned for 2 minutes (its process died before storing the response), is taken over in the same statement.
 */
export async function claimIdempotencyKey(
  db: Queryable,
  input: { apiKeyId: string; key: string; fingerprint: string; retentionHours: number },
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO idempotency_keys (api_key_id, key, request_fingerprint, status, expires_at)
     VALUES ($1, $2, $3, 'running', now() + make_interval(hours => $4))
     ON CONFLICT (api_key_id, key) DO UPDATE
       SET request_fingerprint = EXCLUDED.request_fingerprint, status = 'running', response_status = NULL,
           response_content_type = NULL, response_body = NULL, started_at = now(), completed_at = NULL,
           expires_at = EXCLUDED.expires_at
       WHERE idempotency_keys.expires_at <= now()
          OR (idempotency_keys.status = 'running' AND idempotency_keys.started_at < now() - interval '2 minutes')
     RETURNING 1`,
    [input.apiKeyId, input.key, input.fingerprint, input.retentionHours],
  );
  return result.rowCount === 1;
}

export async function findIdempotencyRecord(
  db: Queryable,
  apiKeyId: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const result = await db.query<IdempotencyRecord>(
    `SELECT request_fingerprint, status, response_status, response_content_type, response_body, expires_at
     FROM idempotency_keys WHERE api_key_id = $1 AND key = $2`,
    [apiKeyId, key],
  );
  return result.rows[0];
}

export async function completeIdempotencyKey(
  db: Queryable,
  input: { apiKeyId: string; key: string; status: number; contentType: string | undefined; body: Buffer },
): Promise<void> {
  await db.query(
    `UPDATE idempotency_keys
     SET status = 'completed', response_status = $3, response_content_type = $4, response_body = $5, completed_at = now()
     WHERE api_key_id = $1 AND key = $2 AND status = 'running'`,
    [input.apiKeyId, input.key, input.status, input.contentType ?? null, input.body],
  );
}

/** Forgets a running key (its request failed with a 5xx): the caller may retry with the same key. */
export async function releaseIdempotencyKey(db: Queryable, apiKeyId: string, key: string): Promise<void> {
  await db.query(`DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2 AND status = 'running'`, [
    apiKeyId,
    key,
  ]);
}

export async function deleteExpiredIdempotencyKeys(db: Queryable, limit: number): Promise<number> {
  const result = await db.query(
    `DELETE FROM idempotency_keys WHERE ctid IN (
       SELECT ctid FROM idempotency_keys WHERE expires_at <= now() LIMIT $1)`,
    [limit],
  );
  return result.rowCount ?? 0;
}
