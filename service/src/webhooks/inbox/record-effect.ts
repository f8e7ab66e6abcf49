// The effect ledger: one row per (event, effect), in the transaction of the effect itself. Applying an event a
// second time hits the primary key and rolls the whole application back.
import type { Queryable } from '../../db/queryable.js';

export async function recordEffect(db: Queryable, eventId: string, effect: string): Promise<void> {
  await db.query('INSERT INTO applied_effects (event_id, effect) VALUES ($1, $2)', [eventId, effect]);
}
