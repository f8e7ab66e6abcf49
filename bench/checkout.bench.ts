/**
 * Checkout creation through our API (API key, rate limit, Idempotency-Key, validation, catalog and customer reads,
 * the intent row, the Stripe call, the row update) against the same `checkout.sessions.create` made directly with
 * the SDK to the emulator, in the same run. Prints p50/p99 of both, our added latency and the throughput ratio.
 *
 *   npm run bench:checkout   (BENCH_DATABASE_URL or TEST_DATABASE_URL, else an embedded PostgreSQL)
 *
 * The emulator and the service each run in their own child process, the service as production runs it
 * (`server.ts`, compiled: BENCH_SERVICE_BUILD=dist, the default; or under tsx: BENCH_SERVICE_BUILD=source) and
 * logging at BENCH_LOG_LEVEL (default info, production's level); the load generator (a fixed-concurrency
 * loop, loopback only, a bounded number of requests) runs here. Rounds alternate between the two paths and the
 * median round is reported. Every request of ours uses a new cart (another customer or quantity), so no session
 * is reused: each one goes to Stripe, as the direct call does.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import pg from 'pg';
import Stripe from 'stripe';
import { startEmulator } from 'stripe-emulator';
import { createApiKeysService } from '../service/src/auth/api-keys.service.js';
import { DEMO_CATALOG } from '../service/src/dev/demo-catalog.js';
import { benchLogger, startBenchDatabaseServer, startChildServer } from './bench-support.js';
import { serviceBuildFromEnvironment, startServiceProcess } from './service-process.js';

const BENCH_API_KEY = 'bsk_BenchmarkKeyBenchmarkKeyBenchmarkKey0001';
const SHOP = 'https://shop.example';
/** In-flight requests of each measured load level (light and moderate on a 2-core machine). */
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY ?? '2,4').split(',').map(Number);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1500);
const ROUNDS = 3;
const CUSTOMERS = 25;
const SERVICE_BUILD = serviceBuildFromEnvironment();
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';

async function serveEmulator(): Promise<void> {
  const emulator = await startEmulator({ seed: DEMO_CATALOG, logLevel: 'warn' });
  process.stdout.write(`PORT ${emulator.port}\n`);
  process.once('SIGTERM', () => void emulator.close().then(() => process.exit(0)));
}

async function ensureBenchApiKey(databaseUrl: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const apiKeys = createApiKeysService({ pool, logger: benchLogger, cacheTtlMs: 0 });
    await apiKeys.ensure({ key: BENCH_API_KEY, name: 'bench', scopes: ['billing', 'admin'] });
  } finally {
    await pool.end();
  }
}

interface Figures {
  p50: number;
  p99: number;
  perSecond: number;
  failures: number;
  /** CPU of the service process per request, µs (0 for the direct path). */
  serviceCpuMicros: number;
  /** The system (kernel) part of it, µs. */
  serviceSystemCpuMicros: number;
}

/** Runs `count` calls with `concurrency` in flight; latency of each in ms. */
async function runFixed(
  concurrency: number,
  count: number,
  call: (index: number) => Promise<boolean>,
): Promise<Figures> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const begin = performance.now();
        if (!(await call(index))) failures += 1;
        latencies.push(performance.now() - begin);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((left, right) => left - right);
  const at = (share: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * share))]!;
  return {
    p50: at(0.5),
    p99: at(0.99),
    perSecond: count / elapsed,
    failures,
    serviceCpuMicros: 0,
    serviceSystemCpuMicros: 0,
  };
}

// A keep-alive node:http client for our API, like the SDK's for the emulator, so both sides pay the same client cost.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
function postJson(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
      },
    );
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}

/** CPU seconds (user + system, and system alone) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): { total: number; system: number } {
  if (pid === undefined) return { total: 0, system: 0 };
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const system = Number(fields[12]) / 100;
    return { total: Number(fields[11]) / 100 + system, system };
  } catch {
    return { total: 0, system: 0 };
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(2)} ms`;

async function main(): Promise<void> {
  const database = await startBenchDatabaseServer();
  const servers: Array<{ stop: () => Promise<void> }> = [];
  try {
    const databaseUrl = await database.createDatabase('checkout');
    const emulator = await startChildServer(process.argv[1]!, 'emulator', {});
    servers.push(emulator);
    await ensureBenchApiKey(databaseUrl);
    // server.ts syncs the catalog from the emulator at start, as in production.
    const service = await startServiceProcess(SERVICE_BUILD, {
      NODE_ENV: 'test',
      LOG_LEVEL,
      DATABASE_URL: databaseUrl,
      STRIPE_API_BASE: `http://127.0.0.1:${emulator.port}`,
      STRIPE_MAX_NETWORK_RETRIES: '0',
      RATE_LIMIT_MAX: '10000000',
      // The bench measures our throughput against the emulator, not the outbound Stripe budget.
      STRIPE_RATE_BUDGET_PER_SECOND: '1000000',
      CHECKOUT_MAX_QUANTITY: '999999',
      ALLOWED_REDIRECT_ORIGINS: SHOP,
    });
    servers.push(service);
    const api = `http://127.0.0.1:${service.port}`;
    const headers = { authorization: `Bearer ${BENCH_API_KEY}`, 'content-type': 'application/json' };

    const customers: Array<{ external_id: string; stripe_customer_id: string }> = [];
    for (let index = 0; index < CUSTOMERS; index += 1) {
      const response = await fetch(`${api}/v1/customers`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ external_id: `bench_${index}`, email: `bench_${index}@example.com` }),
      });
      customers.push((await response.json()) as { external_id: string; stripe_customer_id: string });
    }
    const catalog = (await (await fetch(`${api}/v1/catalog`, { headers })).json()) as {
      data: Array<{ prices: Array<{ id: string; lookup_key: string }> }>;
    };
    const mug = catalog.data
      .flatMap((product) => product.prices)
      .find((price) => price.lookup_key === 'mug')!;

    const stripe = new Stripe('sk_test_bench', {
      host: '127.0.0.1',
      port: emulator.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    let cart = 0;
    const measuredOurs = (concurrency: number) =>
      runFixed(concurrency, REQUESTS, async () => {
        cart += 1;
        const customer = customers[cart % CUSTOMERS]!;
        const status = await postJson(
          `${api}/v1/checkout/sessions`,
          { ...headers, 'idempotency-key': randomUUID() },
          JSON.stringify({
            customer: customer.external_id,
            mode: 'payment',
            items: [{ price: mug.id, quantity: Math.floor(cart / CUSTOMERS) + 1 }],
            success_url: `${SHOP}/success?session_id={CHECKOUT_SESSION_ID}`,
            cancel_url: `${SHOP}/cart`,
          }),
        );
        return status === 201;
      });
    const ours = async (concurrency: number): Promise<Figures> => {
      const before = cpuSeconds(service.child.pid);
      const figures = await measuredOurs(concurrency);
      const after = cpuSeconds(service.child.pid);
      return {
        ...figures,
        serviceCpuMicros: ((after.total - before.total) / REQUESTS) * 1e6,
        serviceSystemCpuMicros: ((after.system - before.system) / REQUESTS) * 1e6,
      };
    };
    const direct = (concurrency: number) =>
      runFixed(concurrency, REQUESTS, async (index) => {
        const customer = customers[index % CUSTOMERS]!;
        await stripe.checkout.sessions.create(
          {
            mode: 'payment',
            customer: customer.stripe_customer_id,
            client_reference_id: randomUUID(),
            line_items: [{ price: mug.id, quantity: (index % 50) + 1 }],
            success_url: `${SHOP}/success?session_id={CHECKOUT_SESSION_ID}`,
            cancel_url: `${SHOP}/cart`,
            metadata: { billing_checkout_session_id: randomUUID(), billing_customer_id: randomUUID() },
            payment_intent_data: { metadata: { billing_checkout_session_id: randomUUID() } },
          },
          // Our gateway sends one with every write; so does the baseline.
          { idempotencyKey: `billing-checkout-session:${randomUUID()}` },
        );
        return true;
      });

    // Warm-up (JIT, pools, keep-alive connections), not reported.
    await direct(4);
    await ours(4);
    for (const concurrency of CONCURRENCIES) {
      const rounds: Array<{ direct: Figures; ours: Figures }> = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        rounds.push({ direct: await direct(concurrency), ours: await ours(concurrency) });
      }
      const pick = (side: 'direct' | 'ours', figure: keyof Figures) =>
        median(rounds.map((round) => round[side][figure]));
      const addedP50 = median(rounds.map((round) => round.ours.p50 - round.direct.p50));
      const addedP99 = median(rounds.map((round) => round.ours.p99 - round.direct.p99));
      const failures = rounds.reduce((sum, round) => sum + round.ours.failures + round.direct.failures, 0);
      process.stdout.write(
        [
          `checkout creation, ${REQUESTS} requests × ${ROUNDS} rounds, ${concurrency} in flight, median round` +
            ` (service: ${SERVICE_BUILD} build, log level ${LOG_LEVEL}):`,
          `  SDK → emulator directly    p50 ${ms(pick('direct', 'p50'))}  p99 ${ms(pick('direct', 'p99'))}  ${Math.round(pick('direct', 'perSecond'))} req/s`,
          `  our API → emulator         p50 ${ms(pick('ours', 'p50'))}  p99 ${ms(pick('ours', 'p99'))}  ${Math.round(pick('ours', 'perSecond'))} req/s`,
          `  added by the service       p50 ${ms(addedP50)}  p99 ${ms(addedP99)}  (target: p99 ≤ 10 ms)`,
          `  service CPU per checkout   ${Math.round(pick('ours', 'serviceCpuMicros'))} µs (user + system, from /proc; system ${Math.round(pick('ours', 'serviceSystemCpuMicros'))} µs)`,
          `  throughput ratio (ours / direct)  ${(pick('ours', 'perSecond') / pick('direct', 'perSecond')).toFixed(2)}`,
          `  failed requests            ${failures}`,
          '',
        ].join('\n'),
      );
    }
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await database.close();
  }
}

if (process.argv.includes('--serve')) await serveEmulator();
else await main();
