/**
 * Worker drain: a backlog of 50,000 inbox events applied by the real worker and handlers (each event in its own
 * transaction with its ledger rows), against a baseline measured in the same run: a loop that only marks each
 * event processed in its own transaction, with the same concurrency.
 *
 *   npm run bench:worker [-- --events 50000]
 *
 * The backlog mirrors what Stripe sends: catalog and customer updates (handled without a Stripe call) and the
 * many types the service ignores (charges, payment intents, …). Types whose handlers refetch from Stripe are
 * bounded by Stripe's API, not by the worker, and are left out.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { parseConfig } from '../service/src/config/load-config.js';
import { createDependencies, closeDependencies } from '../service/src/deps.js';
import { insertEvents } from '../service/src/webhooks/inbox/insert-events.js';
import type { NewInboxEvent } from '../service/src/webhooks/inbox/inbox-event.js';
import { webhookMetricsFor } from '../service/src/webhooks/webhook-metrics.js';
import { createInboxWorker } from '../service/src/webhooks/worker/inbox-worker.js';
import { benchLogger, startBenchDatabaseServer } from './bench-support.js';

function backlog(count: number, label: string): NewInboxEvent[] {
  const start = Math.floor(Date.now() / 1000) - count;
  return Array.from({ length: count }, (_, index) => {
    const id = `evt_${label}_${index}`;
    // One event a second, as an object's changes come: events of one object never share a second here (those
    // that do are resolved by refetching the object from Stripe, which this bench leaves out).
    const created = start + index;
    const kind = index % 10;
    const [type, object] =
      kind < 2
        ? [
            'product.updated',
            {
              id: `prod_bench_${index % 500}`,
              object: 'product',
              name: `Product ${index % 500}`,
              active: true,
              metadata: { features: 'a,b' },
              updated: created,
              created,
            },
          ]
        : kind < 4
          ? [
              'price.updated',
              {
                id: `price_bench_${index % 500}`,
                object: 'price',
                product: `prod_bench_${index % 500}`,
                active: true,
                currency: 'usd',
                unit_amount: 1000,
                type: 'one_time',
                recurring: null,
                lookup_key: null,
                nickname: null,
                metadata: {},
                created,
              },
            ]
          : kind < 5
            ? [
                'customer.updated',
                {
                  id: `cus_bench_${index % 1000}`,
                  object: 'customer',
                  email: 'bench@example.com',
                  name: 'Bench',
                },
              ]
            : [
                [
                  'charge.succeeded',
                  'payment_intent.created',
                  'payment_intent.succeeded',
                  'invoice.created',
                  'invoice_payment.paid',
                ][kind - 5]!,
                { id: `obj_${index}` },
              ];
    const payload = JSON.stringify({
      id,
      object: 'event',
      type,
      created,
      api_version: '2026-10-28.endive',
      livemode: false,
      data: { object },
    });
    return {
      id,
      type,
      apiVersion: '2026-10-28.endive',
      created,
      livemode: false,
      payload,
      source: 'webhook' as const,
    };
  });
}

async function load(databaseUrl: string, events: NewInboxEvent[]): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  for (let index = 0; index < events.length; index += 2000)
    await insertEvents(pool, events.slice(index, index + 2000));
  await pool.end();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '50000' } } });
  const count = Number(values.events);
  const databases = await startBenchDatabaseServer();
  try {
    // Baseline: claim like the worker, then one transaction per event that only marks it processed.
    const baselineUrl = await databases.createDatabase('worker_baseline');
    await load(baselineUrl, backlog(count, 'baseline'));
    const baselinePool = new pg.Pool({ connectionString: baselineUrl, max: 10 });
    const baselineStart = performance.now();
    for (;;) {
      const claimed = await baselinePool.query<{ id: string }>(
        `UPDATE stripe_events SET status = 'processing' WHERE id IN (
           SELECT id FROM stripe_events WHERE status = 'pending' ORDER BY run_at LIMIT 100 FOR UPDATE SKIP LOCKED)
         RETURNING id`,
      );
      if (claimed.rows.length === 0) break;
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < claimed.rows.length) {
            const { id } = claimed.rows[next++]!;
            const client = await baselinePool.connect();
            await client.query('BEGIN');
            await client.query(
              "UPDATE stripe_events SET status = 'processed', processed_at = now() WHERE id = $1",
              [id],
            );
            await client.query('COMMIT');
            client.release();
          }
        }),
      );
    }
    const baselineRate = count / ((performance.now() - baselineStart) / 1000);
    await baselinePool.end();

    const databaseUrl = await databases.createDatabase('worker');
    await load(databaseUrl, backlog(count, 'drain'));
    const config = parseConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      STRIPE_API_BASE: 'http://127.0.0.1:1',
    });
    const dependencies = await createDependencies({ config, logger: benchLogger, databaseUrl });
    const worker = createInboxWorker({
      pool: dependencies.pool,
      logger: benchLogger,
      metrics: webhookMetricsFor(dependencies.metrics.registry),
      handlers: dependencies.eventHandlers,
      settings: config.webhooks,
    });
    const start = performance.now();
    const outcomes = new Map<string, number>();
    for (;;) {
      const batch = await worker.runBatch();
      if (batch.length === 0) break;
      for (const outcome of batch) outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    const seconds = (performance.now() - start) / 1000;
    await closeDependencies(dependencies);
    const rate = count / seconds;
    process.stdout.write(
      [
        '',
        `worker drain of ${count} events (batch ${config.webhooks.workerBatchSize}, ${config.webhooks.workerConcurrency} in parallel)`,
        `  baseline (mark processed, 1 tx per event): ${Math.round(baselineRate)} events/s`,
        `  worker with handlers and ledger:           ${Math.round(rate)} events/s in ${seconds.toFixed(1)} s (target ≥ 2,000/s)`,
        `  ratio: ${(rate / baselineRate).toFixed(2)}; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`,
        '',
      ].join('\n'),
    );
  } finally {
    await databases.close();
  }
}

await main();
