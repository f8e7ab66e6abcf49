// One multi-row INSERT … ON CONFLICT DO NOTHING for a whole batch of verified events; returns the ids that were new.
// A duplicate of an existing event (or of another event in the same batch) is left out of the result.
import type { NewInboxEvent, Queryable } from './inbox-event.js';

export async function insertEvents(db: Queryable, events: readonly NewInboxEvent[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const result = await db.query<{ id: string }>(
    `INSERT INTO stripe_events (id, type, api_version, stripe_created, livemode, payload, source)
     SELECT id, type, api_version, to_timestamp(created), livemode, payload, source
       FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::boolean[], $6::text[], $7::text[])
         AS batch (id, type, api_version, created, livemode, payload, source)
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [
      events.map((event) => event.id),
      events.map((event) => event.type),
      events.map((event) => event.apiVersion),
      events.map((event) => event.created),
      events.map((event) => event.livemode),
      events.map((event) => event.payload),
      events.map((event) => event.source),
    ],
  );
  return new Set(result.rows.map((row) => row.id));
}
