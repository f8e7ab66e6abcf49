// One multi-row INSERT … ON CONFLICT DO NOTHING for a whole batch of verified events; returns the ids that were new.
// A duplicate of an existing event (or of another event in the same batch) is left out of the result.
// VALUES with one parameter per field, not unnest(arrays): the payloads travel as they are, without the
// array-literal escaping of every quote in a 5 KB JSON body on both sides.
import type { NewInboxEvent, Queryable } from './inbox-event.js';

const COLUMNS = 7;

export async function insertEvents(db: Queryable, events: readonly NewInboxEvent[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
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
  const result = await db.query<{ id: string }>(
    `INSERT INTO stripe_events (id, type, api_version, stripe_created, livemode, payload, source)
     VALUES ${rows.join(', ')}
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    parameters,
  );
  return new Set(result.rows.map((row) => row.id));
}
