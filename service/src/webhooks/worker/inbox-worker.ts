// The inbox worker: claims due events in batches (with a lease), applies them with bounded concurrency, each in
// its own transaction, and sleeps when nothing is due until the poll interval passes or PostgreSQL notifies an
// insert. stop() lets the events already being applied finish, hands back the rest of the batch, then resolves.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import type { Config } from '../../config/load-config.js';
import type { Pool } from '../../db/pool.js';
import type { Logger } from '../../observability/logger.js';
import type { HandlerRegistry } from '../handlers/event-handler.js';
import { claimDueEvents } from '../inbox/claim-due-events.js';
import { completeIgnoredEvents } from '../inbox/complete-event.js';
import type { ClaimedEvent } from '../inbox/inbox-event.js';
import { measureInbox } from '../inbox/measure-inbox.js';
import { releaseEvents } from '../inbox/release-events.js';
import type { WebhookMetrics } from '../webhook-metrics.js';
import { applyEvent, type ApplyOutcome } from './apply-event.js';

const INSERT_CHANNEL = 'stripe_events_inserted';
const MEASURE_INTERVAL_MS = 5000;

export interface InboxWorker {
  readonly workerId: string;
  start: () => void;
  /** Claims and applies one batch; resolves with the outcomes (tests and benches drive it directly). */
  runBatch: () => Promise<ApplyOutcome[]>;
  stop: () => Promise<void>;
}

export interface InboxWorkerOptions {
  pool: Pool;
  /** For LISTEN on its own connection; without it the worker only polls. */
  databaseUrl?: string;
  logger: Logger;
  metrics: WebhookMetrics;
  handlers: HandlerRegistry;
  settings: Config['webhooks'];
  workerId?: string;
}

export function createInboxWorker(options: InboxWorkerOptions): InboxWorker {
  const { settings, pool } = options;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const log = options.logger.child({ component: 'inbox-worker', worker_id: workerId });
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let listener: pg.Client | undefined;
  let lastMeasuredAt = 0;
  let notifiedWhileBusy = false;
  const applyOptions = { ...options, workerId, logger: log, ...settings };

  async function runBatch(): Promise<ApplyOutcome[]> {
    const claimed = await claimDueEvents(pool, {
      workerId,
      limit: settings.workerBatchSize,
      leaseMs: settings.leaseMs,
    });
    const outcomes: ApplyOutcome[] = await completeIgnored(claimed);
    const queue = claimed.filter((event) => options.handlers.has(event.type));
    let next = 0;
    const runner = async () => {
      while (!stopping && next < queue.length) {
        const event = queue[next] as ClaimedEvent;
        next += 1;
        outcomes.push(await applyEvent(event, applyOptions));
      }
    };
    await Promise.all(Array.from({ length: Math.min(settings.workerConcurrency, queue.length) }, runner));
    if (next < queue.length) {
      const unstarted = queue.slice(next).map((event) => event.id);
      const released = await releaseEvents(pool, unstarted, workerId);
      log.info({ released }, 'stopping: released claimed events not yet started');
    }
    return outcomes;
  }

  /** Types without a handler: one statement for the whole batch, no transaction per event. */
  async function completeIgnored(claimed: ClaimedEvent[]): Promise<ApplyOutcome[]> {
    const ignored = claimed.filter((event) => !options.handlers.has(event.type));
    const completed = new Set(
      await completeIgnoredEvents(
        pool,
        ignored.map((event) => event.id),
        workerId,
      ),
    );
    return ignored.map((event) => {
      const outcome = completed.has(event.id) ? 'ignored' : 'skipped';
      options.metrics.processed.inc({ type: event.type, outcome });
      return outcome;
    });
  }

  async function measure(): Promise<void> {
    if (Date.now() - lastMeasuredAt < MEASURE_INTERVAL_MS) return;
    lastMeasuredAt = Date.now();
    const measurement = await measureInbox(pool);
    options.metrics.inboxPending.set(measurement.pending);
    options.metrics.inboxOldestPendingAgeSeconds.set(measurement.oldestPendingAgeSeconds);
    options.metrics.inboxDead.set(measurement.dead);
  }

  async function listen(): Promise<void> {
    if (options.databaseUrl === undefined || listener !== undefined) return;
    const client = new pg.Client({
      connectionString: options.databaseUrl,
      application_name: 'billing-worker',
    });
    client.on('notification', () => {
      // Events that arrive while a batch is being applied must not wait for the next poll.
      notifiedWhileBusy = wake === undefined;
      wake?.();
    });
    client.on('error', (error) => {
      log.warn({ error: error.message }, 'LISTEN connection failed; polling until it is back');
      listener = undefined;
      void client.end().catch(() => undefined);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${INSERT_CHANNEL}`);
      listener = client;
    } catch (error) {
      log.warn({ err: error }, 'could not LISTEN for new events; polling only');
      await client.end().catch(() => undefined);
    }
  }

  function sleep(ms: number): Promise<void> {
    if (notifiedWhileBusy) {
      notifiedWhileBusy = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function run(): Promise<void> {
    while (!stopping) {
      let claimedFullBatch = false;
      try {
        await listen();
        const outcomes = await runBatch();
        claimedFullBatch = outcomes.length >= settings.workerBatchSize;
        await measure();
      } catch (error) {
        log.error({ err: error }, 'inbox worker cycle failed; trying again after the poll interval');
      }
      if (!stopping && !claimedFullBatch) await sleep(settings.pollIntervalMs);
    }
  }

  return {
    workerId,
    start() {
      if (loop !== undefined) return;
      log.info('inbox worker started');
      loop = run();
    },
    runBatch,
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      await listener?.end().catch(() => undefined);
      listener = undefined;
      log.info('inbox worker stopped');
    },
  };
}
