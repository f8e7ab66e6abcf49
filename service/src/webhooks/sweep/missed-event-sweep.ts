// The missed-event sweep: lists Stripe's events created since the newest one the last sweep saw (minus an
// overlap, for events Stripe indexes late), EVERY page until has_more is false, and inserts them into the same
// inbox with source "sweep" — events already there are left alone, so only missed ones become new work. The
// cursor moves only after a complete run; a rate-limited or failed run says so and leaves it where it was.
import type { Pool } from '../../db/pool.js';
import type { Logger } from '../../observability/logger.js';
import type { StripeGateway } from '../../stripe/gateway.js';
import { forEachStripePage, isRateLimited } from '../../stripe/stripe-list-paging.js';
import type { NewInboxEvent } from '../inbox/inbox-event.js';
import { insertEvents } from '../inbox/insert-events.js';
import type { WebhookMetrics } from '../webhook-metrics.js';
import { findSyncCursor, saveSyncCursor } from './sync-cursors.js';

export const SWEEP_CURSOR = 'events_sweep';
/** The first sweep looks this far back (Stripe keeps events for 30 days). */
const FIRST_SWEEP_WINDOW_SECONDS = 3 * 24 * 3600;

export interface SweepResult {
  outcome: 'succeeded' | 'rate_limited' | 'failed';
  listed: number;
  inserted: number;
  error?: string;
}

export async function sweepMissedEvents(options: {
  pool: Pool;
  stripe: StripeGateway;
  logger: Logger;
  metrics: WebhookMetrics;
  overlapSeconds: number;
  /** Unix seconds; defaults to the wall clock (the first sweep's window is measured from it). */
  nowSeconds?: number;
}): Promise<SweepResult> {
  const { pool, metrics } = options;
  const cursor = await findSyncCursor(pool, SWEEP_CURSOR);
  const newestSeen =
    cursor?.created_gte === null || cursor === undefined ? undefined : Number(cursor.created_gte);
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const createdGte =
    newestSeen === undefined ? now - FIRST_SWEEP_WINDOW_SECONDS : newestSeen - options.overlapSeconds;
  let listed = 0;
  let inserted = 0;
  let newest = newestSeen ?? createdGte;
  try {
    await forEachStripePage(
      (request) => options.stripe.listEvents({ ...request, createdGte }),
      async (page) => {
        const events: NewInboxEvent[] = page.map((event) => ({
          id: event.id,
          type: event.type,
          apiVersion: event.api_version ?? null,
          created: event.created,
          livemode: event.livemode,
          payload: JSON.stringify(event),
          source: 'sweep',
        }));
        const outcomes = await insertEvents(pool, events, { requeueDead: false });
        listed += events.length;
        inserted += outcomes.size;
        for (const event of events) newest = Math.max(newest, event.created);
      },
    );
  } catch (error) {
    const outcome = isRateLimited(error) ? 'rate_limited' : 'failed';
    const message = error instanceof Error ? error.message : String(error);
    await saveSyncCursor(pool, SWEEP_CURSOR, { outcome, error: message });
    metrics.sweepRuns.inc({ outcome });
    metrics.sweepEventsInserted.inc(inserted);
    options.logger.error({ err: error, listed, inserted }, `missed-event sweep ${outcome}`);
    return { outcome, listed, inserted, error: message };
  }
  await saveSyncCursor(pool, SWEEP_CURSOR, { createdGte: newest, outcome: 'succeeded', error: null });
  metrics.sweepRuns.inc({ outcome: 'succeeded' });
  metrics.sweepEventsInserted.inc(inserted);
  const log = { listed, inserted, created_gte: createdGte };
  if (inserted > 0)
    options.logger.warn(log, 'missed-event sweep recovered events the webhook endpoint missed');
  else options.logger.info(log, 'missed-event sweep found nothing missing');
  return { outcome: 'succeeded', listed, inserted };
}
