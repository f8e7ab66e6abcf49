// The worker's periodic jobs: the missed-event sweep (every WEBHOOK_SWEEP_INTERVAL_MS) and retention (hourly:
// applied inbox events past WEBHOOK_RETENTION_DAYS, expired Idempotency-Key records). Each run is claimed in
// sync_cursors first, so with several workers each job runs once per interval, not once per worker.
import type { WebhooksConfig } from '../../config/webhooks.js';
import type { Pool } from '../../db/pool.js';
import type { IdempotencyService } from '../../idempotency/idempotency.service.js';
import type { Logger } from '../../observability/logger.js';
import type { StripeGateway } from '../../stripe/gateway.js';
import { pruneEvents } from '../inbox/prune-events.js';
import { sweepMissedEvents, SWEEP_CURSOR } from '../sweep/missed-event-sweep.js';
import { claimSyncRun } from '../sweep/sync-cursors.js';
import type { WebhookMetrics } from '../webhook-metrics.js';

const TICK_MS = 5000;
const PRUNE_INTERVAL_MS = 3600 * 1000;
const PRUNE_BATCH = 1000;

export interface PeriodicJobs {
  stop: () => Promise<void>;
}

export interface PeriodicJobsOptions {
  pool: Pool;
  stripe: StripeGateway;
  logger: Logger;
  metrics: WebhookMetrics;
  settings: Pick<WebhooksConfig['webhooks'], 'sweepIntervalMs' | 'sweepOverlapSeconds' | 'retentionDays'>;
  idempotency: IdempotencyService;
}

export function startPeriodicJobs(options: PeriodicJobsOptions): PeriodicJobs {
  const { pool, settings } = options;
  const log = options.logger.child({ component: 'periodic-jobs' });
  let running: Promise<void> | undefined;
  let stopped = false;

  async function tick(): Promise<void> {
    const { sweepIntervalMs } = settings;
    if (sweepIntervalMs > 0 && (await claimSyncRun(pool, `${SWEEP_CURSOR}:run`, sweepIntervalMs))) {
      await sweepMissedEvents({
        pool,
        stripe: options.stripe,
        logger: log,
        metrics: options.metrics,
        overlapSeconds: settings.sweepOverlapSeconds,
      });
    }
    if (await claimSyncRun(pool, 'retention:run', PRUNE_INTERVAL_MS)) {
      let events = 0;
      for (let pruned = PRUNE_BATCH; pruned === PRUNE_BATCH && !stopped; events += pruned) {
        pruned = await pruneEvents(pool, {
          retentionDays: settings.retentionDays,
          limit: PRUNE_BATCH,
        });
      }
      const idempotencyKeys = await options.idempotency.pruneExpired();
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
    Math.min(TICK_MS, Math.max(settings.sweepIntervalMs, 100)),
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
