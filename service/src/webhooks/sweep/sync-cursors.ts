// The sweep's and the backfill's cursors (table sync_cursors): where each job got to, and how its last run ended.
import type { Queryable } from '../../db/queryable.js';

export interface SyncCursor {
  name: string;
  cursor_value: string | null;
  created_gte: string | null;
  last_run_at: Date | null;
  last_outcome: string | null;
  last_error: string | null;
}

export async function findSyncCursor(db: Queryable, name: string): Promise<SyncCursor | undefined> {
  const result = await db.query<SyncCursor>('SELECT * FROM sync_cursors WHERE name = $1', [name]);
  return result.rows[0];
}

/**
 * Claims the next run of a periodic job: true for exactly one caller per interval, however many workers ask
 * (the row's update is the lock), so several workers do not sweep Stripe at the same time.
 */
export async function claimSyncRun(db: Queryable, name: string, intervalMs: number): Promise<boolean> {
  await db.query('INSERT INTO sync_cursors (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [name]);
  const result = await db.query(
    `UPDATE sync_cursors SET last_run_at = now(), updated_at = now()
      WHERE name = $1
        AND (last_run_at IS NULL OR last_run_at <= now() - make_interval(secs => $2::double precision / 1000))`,
    [name, intervalMs],
  );
  return result.rowCount === 1;
}

export async function saveSyncCursor(
  db: Queryable,
  name: string,
  update: { cursorValue?: string | null; createdGte?: number | null; outcome: string; error?: string | null },
): Promise<void> {
  await db.query(
    `INSERT INTO sync_cursors (name, cursor_value, created_gte, last_run_at, last_outcome, last_error)
     VALUES ($1, $2, $3, now(), $4, $5)
     ON CONFLICT (name) DO UPDATE SET
       cursor_value = CASE WHEN $6 THEN excluded.cursor_value ELSE sync_cursors.cursor_value END,
       created_gte = CASE WHEN $7 THEN excluded.created_gte ELSE sync_cursors.created_gte END,
       last_outcome = excluded.last_outcome, last_error = excluded.last_error, updated_at = now()`,
    [
      name,
      update.cursorValue ?? null,
      update.createdGte ?? null,
      update.outcome,
      update.error ?? null,
      update.cursorValue !== undefined,
      update.createdGte !== undefined,
    ],
  );
}
