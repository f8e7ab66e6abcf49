import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../db/pool.js';
import { parseConfig } from '../../config/load-config.js';
import { createLogger } from '../../observability/logger.js';
import { createMetrics } from '../../observability/metrics.js';
import { insertSyntheticEvents, webhookSettings } from '../../test-support/inbox-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../../test-support/test-database.js';
import type { EventHandler } from '../handlers/event-handler.js';
import { claimDueEvents } from '../inbox/claim-due-events.js';
import { webhookMetricsFor } from '../webhook-metrics.js';
import { applyEvent } from './apply-event.js';
import { createInboxWorker } from './inbox-worker.js';

const logger = createLogger({ level: 'silent', pretty: false, secrets: [] });

describe('inbox worker', () => {
  let database: TestDatabase;
  let pool: Pool;
  const failing = new Set<string>();
  let gate: Promise<void> = Promise.resolve();

  const recordingHandler: EventHandler['apply'] = async (event, context) => {
    await gate;
    await context.client.query('INSERT INTO worker_test_effects (event_id) VALUES ($1)', [event.id]);
    await context.recordEffect('test.effect');
    if (failing.has(event.id)) throw new Error(`refused ${event.id}`);
  };
  const handlers = new Map([['test.effect', { apply: recordingHandler }]]);

  const worker = (overrides: Record<string, string> = {}, workerId?: string) =>
    createInboxWorker({
      pool,
      logger,
      metrics: webhookMetricsFor(createMetrics().registry),
      handlers,
      settings: webhookSettings({ WEBHOOK_RETRY_BASE_MS: '1', WEBHOOK_RETRY_MAX_MS: '5', ...overrides }),
      ...(workerId === undefined ? {} : { workerId }),
    });

  const row = async (id: string) =>
    (
      await pool.query<{
        status: string;
        attempts: number;
        last_error: string | null;
        error_history: Array<{ attempt: number; error: string }>;
        processed_at: Date | null;
        locked_by: string | null;
      }>('SELECT * FROM stripe_events WHERE id = $1', [id])
    ).rows[0];

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool(database.url, parseConfig({ NODE_ENV: 'test' }).database, logger);
    // A unique effect table: an event applied twice would fail here as well as in the ledger.
    await pool.query('CREATE TABLE worker_test_effects (event_id text PRIMARY KEY)');
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('applies a due event once, in one transaction with its ledger row, and marks it processed', async () => {
    const [id] = await insertSyntheticEvents(pool, { prefix: 'apply', count: 1, type: 'test.effect' });
    expect(await worker().runBatch()).toEqual(['processed']);
    expect(await row(id!)).toMatchObject({ status: 'processed', attempts: 1, locked_by: null });
    expect((await row(id!))?.processed_at).toBeInstanceOf(Date);
    const ledger = await pool.query('SELECT effect FROM applied_effects WHERE event_id = $1', [id]);
    expect(ledger.rows).toEqual([{ effect: 'test.effect' }]);
  });

  it('records an event type without a handler as ignored', async () => {
    const [id] = await insertSyntheticEvents(pool, {
      prefix: 'unknown',
      count: 1,
      type: 'radar.early_fraud_warning.created',
    });
    expect(await worker().runBatch()).toEqual(['ignored']);
    expect((await row(id!))?.status).toBe('ignored');
  });

  it('rolls back a failed application, stores the error, retries later, and is dead after the last attempt', async () => {
    const [id] = await insertSyntheticEvents(pool, { prefix: 'failing', count: 1, type: 'test.effect' });
    failing.add(id!);
    const twoAttempts = worker({ WEBHOOK_MAX_ATTEMPTS: '2' });
    expect(await twoAttempts.runBatch()).toEqual(['failed']);
    expect(await row(id!)).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: `Error: refused ${id}`,
    });
    const effects = await pool.query('SELECT 1 FROM worker_test_effects WHERE event_id = $1', [id]);
    expect(effects.rowCount).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await twoAttempts.runBatch()).toEqual(['dead']);
    const dead = await row(id!);
    expect(dead).toMatchObject({ status: 'dead', attempts: 2 });
    expect(dead?.error_history.map((entry) => entry.attempt)).toEqual([1, 2]);
    failing.delete(id!);
  });

  it('counts failed and dead applications as webhook failures and times every application', async () => {
    const registry = createMetrics().registry;
    const measured = createInboxWorker({
      pool,
      logger,
      metrics: webhookMetricsFor(registry),
      handlers,
      settings: webhookSettings({
        WEBHOOK_RETRY_BASE_MS: '1',
        WEBHOOK_RETRY_MAX_MS: '5',
        WEBHOOK_MAX_ATTEMPTS: '2',
      }),
    });
    const [id] = await insertSyntheticEvents(pool, { prefix: 'measured', count: 1, type: 'test.effect' });
    failing.add(id!);
    expect(await measured.runBatch()).toEqual(['failed']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await measured.runBatch()).toEqual(['dead']);
    failing.delete(id!);
    const body = await registry.metrics();
    expect(body).toContain('webhook_failures_total{type="test.effect",stage="apply"} 2');
    expect(body).toContain(
      'webhook_processing_duration_seconds_count{type="test.effect",outcome="failed"} 1',
    );
    expect(body).toContain('webhook_processing_duration_seconds_count{type="test.effect",outcome="dead"} 1');
  });

  it('lets several workers drain one backlog without applying any event twice', async () => {
    const ids = await insertSyntheticEvents(pool, { prefix: 'shared', count: 300, type: 'test.effect' });
    const workers = [1, 2, 3].map((n) => worker({ WEBHOOK_WORKER_BATCH_SIZE: '20' }, `worker-${n}`));
    const outcomes: string[] = [];
    for (;;) {
      const round = (await Promise.all(workers.map((each) => each.runBatch()))).flat();
      if (round.length === 0) break;
      outcomes.push(...round);
    }
    expect(outcomes.filter((outcome) => outcome === 'processed')).toHaveLength(300);
    const applied = await pool.query('SELECT 1 FROM worker_test_effects WHERE event_id = ANY($1)', [ids]);
    expect(applied.rowCount).toBe(300);
  });

  it('applies nothing for a claim whose lease ran out and was taken by another worker', async () => {
    const [id] = await insertSyntheticEvents(pool, { prefix: 'lease', count: 1, type: 'test.effect' });
    // A worker claims it with a lease that ends at once, and "dies"; another claims it after the lease.
    await claimDueEvents(pool, { workerId: 'crashed-worker', limit: 10, leaseMs: 0 });
    expect(await worker({}, 'rescuer').runBatch()).toEqual(['processed']);
    expect(await row(id!)).toMatchObject({ status: 'processed', attempts: 2 });
  });

  it('rolls back the work of a worker whose claim was taken over, and lets the new owner apply it', async () => {
    const [id] = await insertSyntheticEvents(pool, { prefix: 'stolen', count: 1, type: 'test.effect' });
    const [stale] = await claimDueEvents(pool, { workerId: 'slow-worker', limit: 10, leaseMs: 0 });
    const [current] = await claimDueEvents(pool, { workerId: 'new-owner', limit: 10, leaseMs: 30_000 });
    const applyAs = (workerId: string) => ({
      pool,
      logger,
      metrics: webhookMetricsFor(createMetrics().registry),
      handlers,
      workerId,
      ...webhookSettings(),
    });
    expect(await applyEvent(stale!, applyAs('slow-worker'))).toBe('skipped');
    const effects = await pool.query('SELECT 1 FROM worker_test_effects WHERE event_id = $1', [id]);
    expect(effects.rowCount).toBe(0);
    expect(await applyEvent(current!, applyAs('new-owner'))).toBe('processed');
    expect(await row(id!)).toMatchObject({ status: 'processed', attempts: 2 });
  });

  it('on stop, finishes the events in hand and releases the rest of the batch', async () => {
    const ids = await insertSyntheticEvents(pool, { prefix: 'stop', count: 5, type: 'test.effect' });
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const stopping = worker({ WEBHOOK_WORKER_CONCURRENCY: '1', WEBHOOK_POLL_INTERVAL_MS: '10' });
    stopping.start();
    while ((await row(ids[0]!))?.status !== 'processing')
      await new Promise((resolve) => setTimeout(resolve, 5));
    const stopped = stopping.stop();
    open();
    await stopped;
    gate = Promise.resolve();
    const statuses = await Promise.all(ids.map(async (id) => (await row(id))?.status));
    expect(statuses).toEqual(['processed', 'pending', 'pending', 'pending', 'pending']);
    expect((await row(ids[1]!))?.attempts).toBe(0);
  });
});
