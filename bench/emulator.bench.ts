/**
 * How fast is stripe-emulator compared with a bare Fastify hello-world, through the official SDK?
 *
 *   node --conditions=source --import tsx bench/emulator.bench.ts [--requests 3000] [--concurrency 32]
 *
 * Each server runs in its own child process (the client must not share an event loop with the server it
 * measures); both are driven by the same client loop: the official `stripe` SDK, a fixed number of requests,
 * a fixed number in flight, loopback only, a time bound. The hello-world answers the same routes with a canned
 * Stripe-shaped body, so the ratio is the emulator's own cost per request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Stripe from 'stripe';

const SELF = fileURLToPath(import.meta.url);
const TIME_LIMIT_MS = 60_000;
const ROUNDS = 3;

const CANNED_CUSTOMER = {
  id: 'cus_bench',
  object: 'customer',
  address: null,
  balance: 0,
  created: 1_700_000_000,
  email: 'bench@example.com',
  invoice_settings: {
    custom_fields: null,
    default_payment_method: null,
    footer: null,
    rendering_options: null,
  },
  livemode: false,
  metadata: {},
  name: 'Bench',
};
const CANNED_SESSION = {
  id: 'cs_test_bench',
  object: 'checkout.session',
  mode: 'payment',
  status: 'open',
  url: 'http://127.0.0.1/checkout/cs_test_bench',
};

async function serve(kind: string): Promise<void> {
  if (kind === 'hello') {
    const { default: Fastify } = await import('fastify');
    const app = Fastify();
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) =>
      done(null, body),
    );
    app.get('/v1/customers/:id', async () => CANNED_CUSTOMER);
    app.post('/v1/checkout/sessions', async () => CANNED_SESSION);
    app.post('/v1/prices', async () => ({ id: 'price_bench', object: 'price' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    process.stdout.write(`PORT ${typeof address === 'object' && address ? address.port : 0}\n`);
  } else {
    const { startEmulator } = await import('../emulator/src/index.js');
    const emulator = await startEmulator({ logLevel: 'warn' });
    process.stdout.write(`PORT ${emulator.port}\n`);
  }
  // The parent asks for this process's CPU time around each measured run: server CPU per request is the
  // figure that holds up on a noisy shared machine, where throughput alone mostly measures the client.
  createInterface({ input: process.stdin }).on('line', () => {
    const usage = process.cpuUsage();
    process.stdout.write(`CPU ${usage.user + usage.system}\n`);
  });
}

interface Server {
  child: ChildProcess;
  port: number;
  /** CPU microseconds the server process has used so far. */
  cpu(): Promise<number>;
}

function startServer(kind: string): Promise<Server> {
  const child = spawn(process.execPath, [...process.execArgv, SELF, '--serve', kind], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const cpuWaiters: Array<(micros: number) => void> = [];
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const port = /^PORT (\d+)$/.exec(line);
      const cpu = /^CPU (\d+)$/.exec(line);
      if (cpu) cpuWaiters.shift()?.(Number(cpu[1]));
      if (!port) return;
      resolve({
        child,
        port: Number(port[1]),
        cpu: () =>
          new Promise((answer) => {
            cpuWaiters.push(answer);
            child.stdin.write('CPU\n');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

interface Result {
  /** Server CPU microseconds per request. */
  cpuPerRequest: number;
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
}

/** The client loop: `concurrency` workers, each sending the next request as soon as its last one answered. */
async function measure(
  server: Server,
  call: () => Promise<unknown>,
  requests: number,
  concurrency: number,
): Promise<Result> {
  for (let index = 0; index < Math.min(300, requests); index += 1) await call();
  const latencies: number[] = [];
  let next = 0;
  const cpuBefore = await server.cpu();
  const started = performance.now();
  const deadline = started + TIME_LIMIT_MS;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests && performance.now() < deadline) {
        next += 1;
        const before = performance.now();
        await call();
        latencies.push(performance.now() - before);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = await server.cpu();
  latencies.sort((a, b) => a - b);
  const at = (share: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * share))] ?? 0;
  const cpuPerRequest = (cpuAfter - cpuBefore) / Math.max(1, latencies.length);
  return { requests: latencies.length, seconds, p50: at(0.5), p99: at(0.99), cpuPerRequest };
}

function median(results: Result[], key: (result: Result) => number): Result {
  const sorted = [...results].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor(sorted.length / 2)] ?? results[0]!;
}

function client(port: number): Stripe {
  return new Stripe('sk_test_bench', { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '3000' },
      concurrency: { type: 'string', default: '32' },
    },
  });
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const hello = await startServer('hello');
  const emulator = await startServer('emulator');
  try {
    const emulatorStripe = client(emulator.port);
    const helloStripe = client(hello.port);
    const customer = await emulatorStripe.customers.create({ email: 'bench@example.com', name: 'Bench' });
    const price = await emulatorStripe.prices.create({
      currency: 'usd',
      unit_amount: 1000,
      product_data: { name: 'Bench product' },
    });
    const sessionParams: Stripe.Checkout.SessionCreateParams = {
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'https://example.test/success?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://example.test/cancel',
      customer: customer.id,
    };
    const operations: Array<[string, (stripe: Stripe) => Promise<unknown>]> = [
      ['customers.retrieve', (stripe) => stripe.customers.retrieve(customer.id)],
      ['checkout.sessions.create', (stripe) => stripe.checkout.sessions.create(sessionParams)],
    ];
    const rows: string[] = [];
    const rate = (result: Result) => result.requests / result.seconds;
    for (const [name, operation] of operations) {
      // Alternate baseline and emulator for ROUNDS rounds and keep each side's median round, so JIT warm-up
      // of the client and noise on shared cores do not favour whichever side runs last.
      const baselines: Result[] = [];
      const measured: Result[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        baselines.push(await measure(hello, () => operation(helloStripe), requests, concurrency));
        measured.push(await measure(emulator, () => operation(emulatorStripe), requests, concurrency));
      }
      const baseline = median(baselines, rate);
      const emulated = median(measured, rate);
      const baselineCpu = median(baselines, (result) => result.cpuPerRequest).cpuPerRequest;
      const emulatedCpu = median(measured, (result) => result.cpuPerRequest).cpuPerRequest;
      rows.push(
        [
          `${name}`,
          `  emulator     ${rate(emulated).toFixed(0).padStart(6)} req/s  p50 ${emulated.p50.toFixed(2)} ms  p99 ${emulated.p99.toFixed(2)} ms  server CPU ${emulatedCpu.toFixed(0)} µs/req (≈${(1e6 / emulatedCpu).toFixed(0)} req/s per core)`,
          `  hello-world  ${rate(baseline).toFixed(0).padStart(6)} req/s  p50 ${baseline.p50.toFixed(2)} ms  p99 ${baseline.p99.toFixed(2)} ms  server CPU ${baselineCpu.toFixed(0)} µs/req (≈${(1e6 / baselineCpu).toFixed(0)} req/s per core)`,
          `  ratio        throughput ${(rate(emulated) / rate(baseline)).toFixed(2)}, server CPU per request ${(emulatedCpu / baselineCpu).toFixed(2)}×`,
        ].join('\n'),
      );
    }
    console.log(
      `stripe-emulator vs Fastify hello-world, official SDK, ${requests} requests, ${concurrency} in flight`,
    );
    for (const row of rows) console.log(row);
  } finally {
    hello.child.kill();
    emulator.child.kill();
  }
}

const serveIndex = process.argv.indexOf('--serve');
if (serveIndex >= 0) await serve(process.argv[serveIndex + 1] ?? 'emulator');
else await main();
