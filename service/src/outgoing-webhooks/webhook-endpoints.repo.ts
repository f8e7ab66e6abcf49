// SQL of the calling application's webhook endpoints.
import type { Queryable } from '../db/queryable.js';

export interface WebhookEndpointRow {
  id: string;
  url: string;
  event_types: string[];
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  created_at: Date;
}

export async function insertEndpoint(
  db: Queryable,
  endpoint: { url: string; eventTypes: string[]; secret: string },
): Promise<WebhookEndpointRow> {
  const result = await db.query<WebhookEndpointRow>(
    'INSERT INTO webhook_endpoints (url, event_types, secret) VALUES ($1, $2, $3) RETURNING *',
    [endpoint.url, endpoint.eventTypes, endpoint.secret],
  );
  return result.rows[0] as WebhookEndpointRow;
}

export async function findEndpoint(db: Queryable, id: string): Promise<WebhookEndpointRow | undefined> {
  const result = await db.query<WebhookEndpointRow>(
    'SELECT * FROM webhook_endpoints WHERE id = $1 AND deleted_at IS NULL',
    [id],
  );
  return result.rows[0];
}

export async function listEndpoints(db: Queryable): Promise<WebhookEndpointRow[]> {
  const result = await db.query<WebhookEndpointRow>(
    'SELECT * FROM webhook_endpoints WHERE deleted_at IS NULL ORDER BY created_at, id',
  );
  return result.rows;
}

export async function deleteEndpoint(db: Queryable, id: string): Promise<boolean> {
  const result = await db.query(
    'UPDATE webhook_endpoints SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL',
    [id],
  );
  return result.rowCount === 1;
}

/** The new secret signs from now on; the old one too, until the overlap ends. */
export async function rotateSecret(
  db: Queryable,
  id: string,
  secret: string,
  overlapHours: number,
): Promise<WebhookEndpointRow | undefined> {
  const result = await db.query<WebhookEndpointRow>(
    `UPDATE webhook_endpoints SET previous_secret = secret, secret = $2,
       previous_secret_expires_at = now() + make_interval(hours => $3::int)
     WHERE id = $1 AND deleted_at IS NULL RETURNING *`,
    [id, secret, overlapHours],
  );
  return result.rows[0];
}

export async function disableEndpoint(db: Queryable, id: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = $2 WHERE id = $1 AND status = 'enabled'`,
    [id, reason],
  );
}

export async function enableEndpoint(db: Queryable, id: string): Promise<WebhookEndpointRow | undefined> {
  const result = await db.query<WebhookEndpointRow>(
    `UPDATE webhook_endpoints SET status = 'enabled', disabled_reason = NULL
      WHERE id = $1 AND deleted_at IS NULL RETURNING *`,
    [id],
  );
  return result.rows[0];
}
