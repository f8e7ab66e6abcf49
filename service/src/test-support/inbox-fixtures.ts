// Helpers for tests that put events straight into the inbox and run a worker over them.
import { parseConfig, type Config } from '../config/load-config.js';
import type { Pool } from '../db/pool.js';
import { insertEvents } from '../webhooks/inbox/insert-events.js';

/** The webhook settings of a test environment, with overrides (e.g. `{ WEBHOOK_MAX_ATTEMPTS: '2' }`). */
export function webhookSettings(overrides: Record<string, string> = {}): Config['webhooks'] {
  return parseConfig({ NODE_ENV: 'test', ...overrides }).webhooks;
}

/** Inserts synthetic events of a type, ids `${prefix}_${n}`; returns the ids. */
export async function insertSyntheticEvents(
  pool: Pool,
  options: { prefix: string; count: number; type: string; object?: Record<string, unknown> },
): Promise<string[]> {
  const created = Math.floor(Date.now() / 1000);
  const events = Array.from({ length: options.count }, (_, index) => {
    const id = `evt_${options.prefix}_${index}`;
    return {
      id,
      type: options.type,
      apiVersion: '2026-10-28.endive',
      created: created + index,
      livemode: false,
      payload: JSON.stringify({
        id,
        object: 'event',
        type: options.type,
        created: created + index,
        api_version: '2026-10-28.endive',
        livemode: false,
        data: { object: options.object ?? { id: `obj_${index}` } },
      }),
      source: 'webhook' as const,
    };
  });
  await insertEvents(pool, events);
  return events.map((event) => event.id);
}
