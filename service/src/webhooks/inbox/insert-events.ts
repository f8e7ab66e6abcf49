// One multi-row INSERT … ON CONFLICT for a whole batch of verified events (ids unique within the batch): new
// events are inserted; a delivery of a DEAD event (Stripe's manual resend after a fix) makes it due again, so a
// resend is never swallowed as a duplicate; any other existing event is left as it is.
// VALUES with one parameter per field, not unnest(arrays): the payloads travel as they are, without the
// array-literal escaping of every quote in a 5 KB JSON body on both sides.
import type { Queryable } from '../../db/queryable.js';
import type { NewInboxEvent } from './inbox-event.js';

const COLUMNS = 7;

export type InsertOutcome = 'inserted' | 'requeued';

/** The outcome of each event that was inserted or requeued; duplicates are absent. */
export async function insertEvents(
  db: Queryable,
  events: readonly NewInboxEvent[],
  options: { requeueDead: boolean } = { requeueDead: true },
): Promise<Map<string, InsertOutcome>> {
  if (events.length === 0) return new Map();
  const rows: string[] = [];
  const parameters: unknown[] = [];
  events.forEach((event, index) => {
    const at = index * COLUMNS;
    rows.push(
      `($${at + 1}, $${at + 2}, $${at + 3}, to_timestamp($${at + 4}::bigint), $${at + 5}::boolean, $${at + 6}, $${at + 7})`,
    );
    parameters.push(
      event.id,
      event.type,
      event.apiVersion,
      event.created,
      event.livemode,
      event.payload,
      event.source,
    );
  });
  const result = await db.query<{ id: string; inserted: boolean }>(
    `INSERT INTO stripe_events (id, type, api_version, stripe_created, livemode, payload, source)
     VALUES ${rows.join(', ')}
     ON CONFLICT (id) DO UPDATE
       SET status = 'pending', attempts = 0, run_at = now(), processed_at = NULL, updated_at = now()
       WHERE stripe_events.status = 'dead' AND ${options.requeueDead ? 'true' : 'false'}
     RETURNING id, (xmax = 0) AS inserted`,
    parameters,
  );
  return new Map(result.rows.map((row) => [row.id, row.inserted ? 'inserted' : 'requeued']));
}
