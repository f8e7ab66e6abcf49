// The worker's periodic jobs: the missed-event sweep (every WEBHOOK_SWEEP_INTERVAL_MS) and retention (hourly:
// applied inbox events past WEBHOOK_RETENTION_DAYS, expired Idempotency-Key records). Each run is claimed in
// sync_cursors first, so with several workers each job runs once per interval, not once per worker.
import type { Dependencies } from '../../deps.js';
import { pruneExpiredIdempotencyKeys } from '../../idempotency/idempotency.plugin.js';
import { pruneEvents } from '../inbox/prune-events.js';
import { sweepMissedEvents, SWEEP_CURSOR } from '../sweep/missed-event-sweep.js';
import { claimSyncRun } from '../sweep/sync-cursors.js';
import { webhookMetricsFor } from '../webhook-metrics.js';

const TICK_MS = 5000;
const PRUNE_INTERVAL_MS = 3600 * 1000;
const PRUNE_BATCH = 1000;

export interface PeriodicJobs {
  stop: () => Promise<void>;
}

export function startPeriodicJobs(dependencies: Dependencies): PeriodicJobs {
  const { pool, config, logger } = dependencies;
  const log = logger.child({ component: 'periodic-jobs' });
  let running: Promise<void> | undefined;
  let stopped = false;

  async function tick(): Promise<void> {
    const { sweepIntervalMs } = config.webhooks;
    if (sweepIntervalMs > 0 && (await claimSyncRun(pool, `${SWEEP_CURSOR}:run`, sweepIntervalMs))) {
      await sweepMissedEvents({
        pool,
        stripe: dependencies.stripe,
        logger: log,
        metrics: webhookMetricsFor(dependencies.metrics.registry),
        overlapSeconds: config.webhooks.sweepOverlapSeconds,
      });
    }
    if (await claimSyncRun(pool, 'retention:run', PRUNE_INTERVAL_MS)) {
      let events = 0;
      for (let pruned = PRUNE_BATCH; pruned === PRUNE_BATCH && !stopped; events += pruned) {
        pruned = await pruneEvents(pool, {
          retentionDays: config.webhooks.retentionDays,
          limit: PRUNE_BATCH,
        });
      }
      const idempotencyKeys = await pruneExpiredIdempotencyKeys(pool);
      log.info({ events, idempotency_keys: idempotencyKeys }, 'retention: pruned old records');
    }
  }

  const timer = setInterval(
    () => {
      if (running !== undefined || stopped) return;
      running = tick()
        .catch((error: unknown) => log.error({ err: error }, 'periodic job failed'))
        .finally(() => {
          running = undefined;
        });
    },
    Math.min(TICK_MS, Math.max(config.webhooks.sweepIntervalMs, 100)),
  );
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
