/**
 * Webhook ingest: our POST /webhooks/stripe (signature check + group-commit inbox insert, 200 after commit)
 * against the naive design measured in the same run by the same load generator (autocannon, 50 connections, no
 * pipelining): a minimal Fastify route that verifies with the SDK and inserts each event as jsonb in its own
 * transaction. Then bad-signature rejection against a route that only verifies.
 *
 *   npm run bench:webhooks [-- --seconds 4]
 *
 * Every event is unique, 3–8 KB, built from Stripe's reference payloads and pre-signed before the runs so the
 * load generator spends its CPU on sending. Each server runs in its own child process.
 */
import type { Result } from 'autocannon';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import pg from 'pg';
import Stripe from 'stripe';
import { buildApp } from '../service/src/app.js';
import { parseConfig } from '../service/src/config/load-config.js';
import { createDependencies } from '../service/src/deps.js';
import { createLogger } from '../service/src/observability/logger.js';
import { verifyWebhookSignature } from '../service/src/stripe/webhook-signature.js';
import { readReferenceEvent } from '../service/src/test-support/stripe-events.js';
import {
  cpuSecondsOf,
  load,
  startBenchDatabaseServer,
  type ChildServer,
  startChildServer,
  summarise,
  ratePerSecond,
} from './bench-support.js';

const SELF = fileURLToPath(import.meta.url);
const SECRET = 'whsec_bench_ingest';
const ROUNDS = 3;

/** The run with the median rate of 2xx (or 4xx) answers. */
function median(results: Result[], status: '2xx' | '4xx' = '2xx'): Result {
  const sorted = [...results].sort(
    (first, second) => ratePerSecond(first, status) - ratePerSecond(second, status),
  );
  return sorted[Math.floor(sorted.length / 2)]!;
}
const stripe = new Stripe('sk_test_bench', { telemetry: false });

async function serve(kind: string): Promise<void> {
  const databaseUrl = process.env.BENCH_SERVER_DATABASE_URL ?? '';
  if (kind === 'ours') {
    const config = parseConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl,
      STRIPE_WEBHOOK_SECRET: SECRET,
    });
    const logger = createLogger({ ...config.log, pretty: false, secrets: config.secrets });
    const app = buildApp(await createDependencies({ config, logger, databaseUrl }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    process.stdout.write(`PORT ${typeof address === 'object' && address ? address.port : 0}\n`);
    return;
  }
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  if (kind === 'naive') {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    app.post('/webhooks/stripe', async (request, reply) => {
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(
          request.body as Buffer,
          String(request.headers['stripe-signature']),
          SECRET,
        );
      } catch {
        return reply.status(400).send({ error: 'bad signature' });
      }
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          'INSERT INTO naive_events (id, type, payload) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING',
          [event.id, event.type, event],
        );
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      return { received: true, event_id: event.id };
    });
  } else {
    // verify-only: the floor for rejecting a bad signature (no database at all).
    app.post('/webhooks/stripe', async (request, reply) => {
      const check = verifyWebhookSignature(
        request.body as Buffer,
        String(request.headers['stripe-signature']),
        {
          secrets: [SECRET],
          toleranceSeconds: 300,
        },
      );
      return reply.status(check.valid ? 200 : 400).send(check.valid ? { received: true } : { error: 'bad' });
    });
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.stdout.write(`PORT ${typeof address === 'object' && address ? address.port : 0}\n`);
}

const templates = [
  'checkout_session_completed',
  'invoice_paid',
  'charge_refunded',
  'subscription_updated',
  'customer_updated',
  'product_updated',
].map((name) => JSON.parse(readReferenceEvent(name)) as Record<string, unknown>);

interface SignedEvent {
  id: string;
  body: string;
  signature: string;
}

/** Unique events of 3–8 KB (padded through metadata), each with its own signature. */
function presign(count: number, label: string): SignedEvent[] {
  const events: SignedEvent[] = [];
  const run = randomBytes(4).toString('hex');
  for (let index = 0; index < count; index += 1) {
    const template = templates[index % templates.length]!;
    const data = template.data as { object: Record<string, unknown> };
    const target = 3072 + ((index * 7919) % 5120);
    const event = {
      ...template,
      id: `evt_${label}_${run}_${index}`,
      data: { ...data, object: { ...data.object, metadata: { padding: '' } } },
    };
    const base = JSON.stringify(event, null, 2).length;
    event.data.object.metadata = { padding: 'x'.repeat(Math.max(0, target - base)) };
    const body = JSON.stringify(event, null, 2);
    events.push({
      id: event.id,
      body,
      signature: stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }),
    });
  }
  return events;
}

/** Ids of the events answered 2xx, to check afterwards that each of them was stored. */
const acknowledged: string[] = [];

function requestsFrom(events: SignedEvent[], tamper = false) {
  let next = 0;
  return [
    {
      method: 'POST',
      path: '/webhooks/stripe',
      setupRequest: (request: { headers?: Record<string, string> }) => {
        const event = events[next % events.length]!;
        next += 1;
        // Tampered: the first hex digit of the signature changed, so it can never match.
        const signature = tamper
          ? event.signature.replace(/v1=(.)/, (_match, digit: string) => `v1=${digit === '0' ? '1' : '0'}`)
          : event.signature;
        return {
          ...request,
          method: 'POST',
          path: '/webhooks/stripe',
          headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
          body: event.body,
        };
      },
      // The answer names the event it acknowledges (autocannon prepares the next request before a response).
      onResponse: (status: number, body: string) => {
        if (status >= 200 && status < 300 && !tamper) {
          acknowledged.push((JSON.parse(body) as { event_id: string }).event_id);
        }
      },
    },
  ];
}

/** How many of the given event ids the inbox holds. */
async function countStored(databaseUrl: string, ids: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ count: string }>(
      'SELECT count(*) FROM stripe_events WHERE id = ANY($1::text[])',
      [ids],
    );
    return Number(result.rows[0]?.count);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '4' } }, strict: true });
  const seconds = Number(values.seconds);
  const databases = await startBenchDatabaseServer();
  const servers: Array<{ stop: () => Promise<void> }> = [];
  try {
    const naiveUrl = await databases.createDatabase('naive');
    const setup = new pg.Client({ connectionString: naiveUrl });
    await setup.connect();
    await setup.query(
      'CREATE TABLE naive_events (id text PRIMARY KEY, type text NOT NULL, payload jsonb NOT NULL)',
    );
    await setup.end();
    const oursUrl = await databases.createDatabase('ours');

    const naive = await startChildServer(SELF, 'naive', { BENCH_SERVER_DATABASE_URL: naiveUrl });
    const ours = await startChildServer(SELF, 'ours', { BENCH_SERVER_DATABASE_URL: oursUrl });
    const verifyOnly = await startChildServer(SELF, 'verify-only', {});
    servers.push(naive, ours, verifyOnly);
    const url = (port: number) => `http://127.0.0.1:${port}`;
    // Events are signed before each run (never during it), sized to what the server can take in that run.
    // Server CPU per answered request: the figure this shared machine's load moves least.
    const cpuPerRequest = new Map<ChildServer, number[]>();
    const run = async (server: ChildServer, label: string, count: number, overallRate?: number) => {
      const requests = requestsFrom(presign(count, label));
      // Each run starts from a checkpointed database: see checkpoint() in bench-support.ts.
      await databases.checkpoint();
      const cpuBefore = cpuSecondsOf(server.child.pid);
      const result = await load({
        url: url(server.port),
        duration: seconds,
        requests,
        ...(overallRate === undefined ? {} : { overallRate }),
      });
      const perRequest = ((cpuSecondsOf(server.child.pid) - cpuBefore) / Math.max(1, result['2xx'])) * 1e6;
      cpuPerRequest.set(server, [...(cpuPerRequest.get(server) ?? []), perRequest]);
      return result;
    };
    const medianCpu = (server: ChildServer) => {
      const values = [...(cpuPerRequest.get(server) ?? [0])].sort((first, second) => first - second);
      return Math.round(values[Math.floor(values.length / 2)]!);
    };

    // Warm-up (JIT, pools), then ROUNDS alternating rounds; the median round of each side is reported, since
    // this shared machine's load moves single runs by ±30 %.
    await load({ url: url(naive.port), duration: 1, requests: requestsFrom(presign(2000, 'warm_naive')) });
    await load({ url: url(ours.port), duration: 1, requests: requestsFrom(presign(10_000, 'warm_ours')) });
    const naiveRuns: Result[] = [];
    const oursRuns: Result[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      naiveRuns.push(await run(naive, `naive_${round}`, Math.ceil(5000 * seconds)));
      oursRuns.push(await run(ours, `ours_${round}`, Math.ceil(14_000 * seconds)));
    }
    const naiveResult = median(naiveRuns);
    const oursResult = median(oursRuns);
    const peak = ratePerSecond(oursResult);
    const halfResult = await run(ours, 'half', Math.ceil((peak / 2) * seconds * 1.2), Math.round(peak / 2));
    const rejectPool = presign(20_000, 'forged');
    const rejectBaselineRuns: Result[] = [];
    const rejectOursRuns: Result[] = [];
    const reject = async (server: ChildServer) => {
      const cpuBefore = cpuSecondsOf(server.child.pid);
      const result = await load({
        url: url(server.port),
        duration: seconds,
        requests: requestsFrom(rejectPool, true),
      });
      const perRequest = ((cpuSecondsOf(server.child.pid) - cpuBefore) / Math.max(1, result['4xx'])) * 1e6;
      cpuPerRequest.set(server, [...(cpuPerRequest.get(server) ?? []), perRequest]);
      return result;
    };
    const oursIngestCpu = medianCpu(ours);
    cpuPerRequest.delete(ours);
    for (let round = 0; round < ROUNDS; round += 1) {
      rejectBaselineRuns.push(await reject(verifyOnly));
      rejectOursRuns.push(await reject(ours));
    }
    const rejectBaseline = median(rejectBaselineRuns, '4xx');
    const rejectOurs = median(rejectOursRuns, '4xx');

    // A pool smaller than a run's requests is sent again from its start: such duplicates are acknowledged twice.
    const oursAcknowledged = [...new Set(acknowledged.filter((id) => !id.includes('_naive_')))];
    const stored = await countStored(oursUrl, oursAcknowledged);
    const lines = [
      '',
      `webhook ingest, unique signed events of 3–8 KB, autocannon 50 connections, ${seconds} s per run, median of ${ROUNDS} alternating rounds`,
      `  all rounds, req/s: naive ${naiveRuns.map((result) => Math.round(ratePerSecond(result))).join(', ')}; ours ${oursRuns.map((result) => Math.round(ratePerSecond(result))).join(', ')}`,
      summarise('naive route (SDK verify, 1 tx per event, jsonb)', naiveResult),
      summarise('ours (verify, group commit, raw text)', oursResult),
      `  server CPU per stored event (median round): naive ${medianCpu(naive)} µs, ours ${oursIngestCpu} µs (PostgreSQL's not counted)`,
      `  ratio ours / naive: ${(peak / ratePerSecond(naiveResult)).toFixed(2)}× (target ≥ 2×)`,
      summarise(`ours at half the peak rate (${Math.round(peak / 2)}/s)`, halfResult),
      `  p99 at half peak: ${halfResult.latency.p99} ms (target ≤ 20 ms)`,
      `  every event answered 2xx is stored: ${stored} of ${oursAcknowledged.length} ${stored === oursAcknowledged.length ? 'yes' : 'NO'}`,
      '',
      'bad-signature rejection',
      summarise('verify-only route (no database)', { ...rejectBaseline, '2xx': rejectBaseline['4xx'] }),
      summarise('ours', { ...rejectOurs, '2xx': rejectOurs['4xx'] }),
      `  server CPU per rejection (median round): verify-only ${medianCpu(verifyOnly)} µs, ours ${medianCpu(ours)} µs`,
      `  ratio: ${(ratePerSecond(rejectOurs, '4xx') / ratePerSecond(rejectBaseline, '4xx')).toFixed(2)} (target ≥ 0.90)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const server of servers) await server.stop();
    await databases.close();
  }
}

const serveIndex = process.argv.indexOf('--serve');
if (serveIndex > 0) await serve(process.argv[serveIndex + 1] ?? '');
else await main();
