// Everything one chaos run stands up on 127.0.0.1 and tears down again: its own PostgreSQL, Redis when one is
// given, one stripe-emulator process, a balancer for the webhooks, two API and two worker processes, an API key,
// and the official stripe SDK pointed at the emulator to read what "Stripe" holds.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import Stripe from 'stripe';
import { createApiKeysService } from '../service/src/auth/api-keys.service.js';
import { applyMigrations } from '../service/src/db/migrations.js';
import { createLogger } from '../service/src/observability/logger.js';
import { emulatorControl, type EmulatorControl } from './emulator-control.js';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';
import {
  createProcessSlot,
  repositoryRoot,
  type ProcessSlot,
  type ServiceBuild,
  type UnexpectedExit,
} from './service-processes.js';
import { startBalancer, type Balancer } from './webhook-balancer.js';

export const SHOP = 'https://shop.example';
const WEBHOOK_SECRET = 'whsec_chaos_run';

export interface ChaosWorld {
  postgres: PostgresCluster;
  /** Our database, for the invariant checks (an error handler keeps a restart from crashing the harness). */
  pool: pg.Pool;
  emulator: EmulatorControl;
  stripe: Stripe;
  apis: ProcessSlot[];
  workers: ProcessSlot[];
  slots: ProcessSlot[];
  apiKey: string;
  unexpectedExits: UnexpectedExit[];
  logFolder: string;
  redis: boolean;
  emulatorPid: number | undefined;
  close: () => Promise<void>;
}

export interface ChaosWorldOptions {
  build: ServiceBuild;
  redisUrl: string | undefined;
  /** API processes log every request at info; the load mode keeps them at warn. */
  apiLogLevel: 'info' | 'warn';
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function startEmulatorProcess(
  webhookUrl: string,
  logFolder: string,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      path.join(repositoryRoot, 'chaos/emulator-process.ts'),
      webhookUrl,
      WEBHOOK_SECRET,
    ],
    { cwd: repositoryRoot, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^PORT (\d+)$/.exec(line);
      if (match !== null) resolve(Number(match[1]));
    });
    child.once('exit', (code) =>
      reject(new Error(`the emulator exited with ${code} (logs in ${logFolder})`)),
    );
  });
  return { child, port };
}

export async function startChaosWorld(options: ChaosWorldOptions): Promise<ChaosWorld> {
  const logFolder = await mkdtemp(path.join(tmpdir(), 'billing-chaos-logs-'));
  const logger = createLogger({ level: 'warn', pretty: false, secrets: [] });
  const postgres = await startPostgresCluster(await freePort());
  const cleanups: Array<() => Promise<unknown>> = [() => postgres.destroy()];
  try {
    await applyMigrations({ databaseUrl: postgres.databaseUrl, logger });
    const pool = new pg.Pool({ connectionString: postgres.databaseUrl, max: 4 });
    pool.on('error', () => undefined);
    cleanups.unshift(() => pool.end());
    const apiKey = (
      await createApiKeysService({ pool, logger, mode: 'test', cacheTtlMs: 0 }).create({
        name: 'chaos',
        scopes: ['billing', 'admin'],
      })
    ).key;

    const apiPorts = [await freePort(), await freePort()];
    const slots: ProcessSlot[] = [];
    const balancer: Balancer = await startBalancer(() =>
      slots.filter((slot) => slot.kind === 'api' && slot.isUp()).map((slot) => slot.port),
    );
    cleanups.unshift(() => balancer.close());
    const emulatorProcess = await startEmulatorProcess(
      `http://127.0.0.1:${balancer.port}/webhooks/stripe`,
      logFolder,
    );
    cleanups.unshift(
      () =>
        new Promise<void>((resolve) => {
          if (emulatorProcess.child.exitCode !== null) return resolve();
          emulatorProcess.child.once('exit', () => resolve());
          emulatorProcess.child.kill('SIGTERM');
        }),
    );
    const emulatorUrl = `http://127.0.0.1:${emulatorProcess.port}`;

    const environment: Record<string, string> = {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      METRICS_PORT: '0',
      DATABASE_URL: postgres.databaseUrl,
      DATABASE_CONNECTION_TIMEOUT_MS: '3000',
      // A process restarted while the database is down waits for it instead of exiting.
      DATABASE_STARTUP_TIMEOUT_MS: '120000',
      MIGRATE_ON_START: 'false',
      STRIPE_API_BASE: emulatorUrl,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_BREAKER_RESET_TIMEOUT_MS: '2000',
      ALLOWED_REDIRECT_ORIGINS: SHOP,
      RATE_LIMIT_MAX: '10000000',
      RATE_LIMIT_ANONYMOUS_MAX: '10000000',
      SHUTDOWN_TIMEOUT_MS: '5000',
      WEBHOOK_LEASE_MS: '5000',
      WEBHOOK_POLL_INTERVAL_MS: '100',
      WEBHOOK_RETRY_BASE_MS: '200',
      WEBHOOK_RETRY_MAX_MS: '2000',
      WEBHOOK_MAX_ATTEMPTS: '100',
      WEBHOOK_SWEEP_INTERVAL_MS: '20000',
      ...(options.redisUrl === undefined ? {} : { REDIS_URL: options.redisUrl }),
    };
    const unexpectedExits: UnexpectedExit[] = [];
    for (const [index, port] of apiPorts.entries()) {
      slots.push(
        createProcessSlot({
          name: `api-${index + 1}`,
          kind: 'api',
          port,
          build: options.build,
          environment: { ...environment, LOG_LEVEL: options.apiLogLevel },
          logFolder,
          onUnexpectedExit: (exit) => unexpectedExits.push(exit),
        }),
      );
    }
    for (const index of [1, 2]) {
      slots.push(
        createProcessSlot({
          name: `worker-${index}`,
          kind: 'worker',
          port: 0,
          build: options.build,
          environment: { ...environment, LOG_LEVEL: 'info' },
          logFolder,
          onUnexpectedExit: (exit) => unexpectedExits.push(exit),
        }),
      );
    }
    cleanups.unshift(() => Promise.all(slots.map((slot) => slot.stop())));
    await Promise.all(slots.map((slot) => slot.start()));
    const allUp = Promise.all(slots.map((slot) => slot.waitUntilUp(120_000)));
    // A process that exits while starting (bad configuration, say) would only be restarted again and again.
    const startFailed = new Promise<never>((_resolve, reject) => {
      const check = setInterval(() => {
        const exit = unexpectedExits[0];
        if (exit === undefined) return;
        clearInterval(check);
        reject(new Error(`${exit.slot} exited while starting: ${exit.lastLines.slice(-4).join(' | ')}`));
      }, 100);
      void allUp.finally(() => clearInterval(check)).catch(() => undefined);
    });
    startFailed.catch(() => undefined);
    await Promise.race([allUp, startFailed]);

    const stripe = new Stripe('sk_test_chaos_run', {
      host: '127.0.0.1',
      port: emulatorProcess.port,
      protocol: 'http',
      telemetry: false,
      maxNetworkRetries: 3,
    });
    return {
      postgres,
      pool,
      emulator: emulatorControl(emulatorUrl),
      stripe,
      apis: slots.filter((slot) => slot.kind === 'api'),
      workers: slots.filter((slot) => slot.kind === 'worker'),
      slots,
      apiKey,
      unexpectedExits,
      logFolder,
      redis: options.redisUrl !== undefined,
      emulatorPid: emulatorProcess.child.pid,
      close: async () => {
        for (const cleanup of cleanups) await cleanup().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    throw error;
  }
}
