/**
 * The entitlement check GET /v1/entitlements/{external_id}/{feature} (API key, rate limit, cache) against a
 * Fastify hello-world with the same logger settings, measured in the same run by the same load generator
 * (autocannon, 50 connections, no pipelining), each server in its own process. Then: how long after a change is
 * committed does the check answer the new truth (target: within 1 s)?
 *
 *   npm run bench:entitlements [-- --seconds 5]
 */
import type { RequestSpec } from 'autocannon';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Fastify, { LogController } from 'fastify';
import pino from 'pino';
import { buildApp } from '../service/src/app.js';
import { parseConfig } from '../service/src/config/load-config.js';
import { createDependencies, closeDependencies } from '../service/src/deps.js';
import { logCompletedRequest } from '../service/src/http/request-log.js';
import { createLogger } from '../service/src/observability/logger.js';
import {
  benchLogger,
  load,
  startBenchDatabaseServer,
  startChildServer,
  summarise,
  ratePerSecond,
} from './bench-support.js';

const SELF = fileURLToPath(import.meta.url);
const CUSTOMERS = 1000;

function environment(databaseUrl: string) {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    STRIPE_API_BASE: 'http://127.0.0.1:1',
    RATE_LIMIT_MAX: '10000000',
  };
}

async function serve(kind: string): Promise<void> {
  const databaseUrl = process.env.BENCH_SERVER_DATABASE_URL ?? '';
  const config = parseConfig(environment(databaseUrl));
  // Both servers log exactly alike: the service's pino logger at info, JSON lines written to /dev/null (the
  // write is paid; stdout is the pipe this bench reads the port from, and reading 20,000 lines a second there
  // would take CPU from the load generator in the same process).
  const logger = createLogger(
    { ...config.log, pretty: false, secrets: config.secrets },
    pino.destination({ dest: '/dev/null', sync: true }),
  );
  let listen: (options: { port: number; host: string }) => Promise<string>;
  let address: () => unknown;
  if (kind === 'hello') {
    // The service's request logging too: one line per answered request.
    const app = Fastify({
      loggerInstance: logger,
      logController: new LogController({ disableRequestLogging: true }),
    });
    app.addHook('onResponse', logCompletedRequest);
    app.get('/v1/entitlements/:external_id/:feature', async () => ({
      entitled: true,
      source: null,
      expires_at: null,
    }));
    listen = (options) => app.listen(options);
    address = () => app.server.address();
  } else {
    const app = buildApp(await createDependencies({ config, logger, databaseUrl }));
    listen = (options) => app.listen(options);
    address = () => app.server.address();
  }
  await listen({ port: 0, host: '127.0.0.1' });
  const bound = address();
  process.stdout.write(
    `PORT ${typeof bound === 'object' && bound !== null && 'port' in bound ? String(bound.port) : 0}\n`,
  );
}

async function seed(databaseUrl: string): Promise<string> {
  const config = parseConfig(environment(databaseUrl));
  const dependencies = await createDependencies({ config, logger: benchLogger, databaseUrl });
  const { pool } = dependencies;
  await pool.query(
    `INSERT INTO products (id, name, active, features, stripe_updated) VALUES ('prod_bench', 'Bench', true, '{sso,audit}', now())`,
  );
  await pool.query(
    `INSERT INTO customers (external_id, email, stripe_customer_id)
     SELECT 'user_' || n, 'user' || n || '@example.com', 'cus_bench_' || n FROM generate_series(1, $1) AS n`,
    [CUSTOMERS],
  );
  await pool.query(
    `INSERT INTO orders (stripe_checkout_session_id, stripe_payment_intent_id, customer_id, status, currency, amount_total)
     SELECT 'cs_bench_' || id, 'pi_bench_' || id, id, 'paid', 'usd', 1000 FROM customers`,
  );
  await pool.query(
    `INSERT INTO order_items (stripe_line_item_id, order_id, stripe_price_id, stripe_product_id, quantity, currency, amount_total)
     SELECT 'li_' || id, id, 'price_bench', 'prod_bench', 1, 'usd', 1000 FROM orders`,
  );
  const customers = await pool.query<{ id: string }>('SELECT id FROM customers');
  const client = await pool.connect();
  for (const { id } of customers.rows) {
    await client.query('BEGIN');
    await dependencies.entitlements.recomputeForCustomer(client, id);
    await client.query('COMMIT');
  }
  client.release();
  const { key } = await dependencies.apiKeys.create({ name: 'bench', scopes: ['billing'] });
  await closeDependencies(dependencies);
  return key;
}

/** Refunds user_1's order in a committed transaction, then polls the check until it says so: the lag in ms. */
async function measureFreshness(databaseUrl: string, port: number, key: string): Promise<number> {
  const config = parseConfig(environment(databaseUrl));
  const dependencies = await createDependencies({ config, logger: benchLogger, databaseUrl });
  const check = async () =>
    (
      (await (
        await fetch(`http://127.0.0.1:${port}/v1/entitlements/user_1/sso`, {
          headers: { authorization: `Bearer ${key}` },
        })
      ).json()) as { entitled: boolean }
    ).entitled;
  if (!(await check())) throw new Error('user_1 should hold sso before the refund');
  const client = await dependencies.pool.connect();
  await client.query('BEGIN');
  const { rows } = await client.query<{ id: string }>(
    "UPDATE orders SET status = 'refunded' WHERE customer_id = (SELECT id FROM customers WHERE external_id = 'user_1') RETURNING customer_id AS id",
  );
  await dependencies.entitlements.recomputeForCustomer(client, rows[0]!.id);
  await client.query('COMMIT');
  const committedAt = performance.now();
  client.release();
  while (await check()) {
    if (performance.now() - committedAt > 5000) break;
  }
  const lag = performance.now() - committedAt;
  await closeDependencies(dependencies);
  return lag;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } });
  const seconds = Number(values.seconds);
  const databases = await startBenchDatabaseServer();
  const servers: Array<{ stop: () => Promise<void> }> = [];
  try {
    const databaseUrl = await databases.createDatabase('entitlements');
    const key = await seed(databaseUrl);
    const hello = await startChildServer(SELF, 'hello', { BENCH_SERVER_DATABASE_URL: databaseUrl });
    const ours = await startChildServer(SELF, 'ours', { BENCH_SERVER_DATABASE_URL: databaseUrl });
    servers.push(hello, ours);
    let next = 0;
    const requests = [
      {
        method: 'GET',
        setupRequest: (request: RequestSpec) => {
          next += 1;
          return {
            ...request,
            method: 'GET',
            path: `/v1/entitlements/user_${(next % CUSTOMERS) + 1}/${next % 2 === 0 ? 'sso' : 'billing_export'}`,
            headers: { authorization: `Bearer ${key}` },
          };
        },
      },
    ];
    const url = (port: number) => `http://127.0.0.1:${port}`;
    await load({ url: url(hello.port), duration: 1, requests });
    await load({ url: url(ours.port), duration: 1, requests });
    const helloResult = await load({ url: url(hello.port), duration: seconds, requests });
    const oursResult = await load({ url: url(ours.port), duration: seconds, requests });
    const halfRate = Math.round(ratePerSecond(oursResult) / 2);
    const halfResult = await load({
      url: url(ours.port),
      duration: seconds,
      overallRate: halfRate,
      requests,
    });
    const lag = await measureFreshness(databaseUrl, ours.port, key);
    process.stdout.write(
      [
        '',
        `entitlement check, ${CUSTOMERS} customers, autocannon 50 connections, ${seconds} s per run, pino at info in both`,
        summarise('Fastify hello-world (same logger)', helloResult),
        summarise('GET /v1/entitlements/{id}/{feature}', oursResult),
        `  ratio: ${(ratePerSecond(oursResult) / ratePerSecond(helloResult)).toFixed(2)} (target ≥ 0.25), p99 ${oursResult.latency.p99} ms (target ≤ 5 ms)`,
        summarise(`the check at half its peak rate (${halfRate}/s)`, halfResult),
        // autocannon's rate mode lets every connection send at full speed until its share of the second is used:
        // bursts at full concurrency, with coordinated-omission correction, rather than a steady half load.
        `  p99 at half peak (bursts of 50 connections): ${halfResult.latency.p99} ms (target ≤ 5 ms)`,
        `  a committed change is visible to the check after ${Math.round(lag)} ms (target ≤ 1000 ms)`,
        '',
      ].join('\n'),
    );
  } finally {
    for (const server of servers) await server.stop();
    await databases.close();
  }
}

const serveIndex = process.argv.indexOf('--serve');
if (serveIndex > 0) await serve(process.argv[serveIndex + 1] ?? '');
else await main();
