// A second API process started on a port the first one holds stops before any side effect: it neither migrates
// nor syncs the catalog into the shared database, says which port and variable, and the first keeps serving.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import pg from 'pg';
import { startEmulator, type RunningEmulator } from 'stripe-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../test-support/free-port.js';
import { startServiceProcess, waitForApiPort, type ServiceProcess } from '../test-support/service-process.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';

describe('a second instance on a busy port', () => {
  let database: TestDatabase;
  let emulator: RunningEmulator;
  let first: ServiceProcess;
  let port: number;
  const productIds = async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>('SELECT id FROM products ORDER BY id');
      return rows.map((row) => row.id);
    } finally {
      await client.end();
    }
  };
  const environment = (metricsPort: number) => ({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: database.url,
    STRIPE_API_BASE: emulator.url,
    STRIPE_MAX_NETWORK_RETRIES: '0',
    HOST: '127.0.0.1',
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    emulator = await startEmulator({
      seed: {
        products: [{ id: 'prod_first', name: 'First', prices: [{ unit_amount: 500, currency: 'usd' }] }],
      },
      logLevel: 'silent',
    });
    port = await findFreePort();
    first = startServiceProcess('src/server.ts', environment(await findFreePort()));
    expect(await waitForApiPort(first)).toBe(port);
  });

  afterAll(async () => {
    first.child.kill('SIGTERM');
    await first.exited;
    await emulator.close();
    await database.drop();
  });

  it('exits naming the port before it syncs anything into the shared database', async () => {
    // Something the second instance's catalog sync at start would copy into the database.
    const stripe = new Stripe('sk_test_second_instance', {
      host: '127.0.0.1',
      port: new URL(emulator.url).port,
      protocol: 'http',
    });
    await stripe.products.create({ id: 'prod_added_later', name: 'Added after the first start' });

    // Its own metrics port is free: only the API port is taken.
    const second = startServiceProcess('src/server.ts', environment(await findFreePort()));
    const { code } = await second.exited;
    expect(code).toBe(1);
    expect(await productIds()).toEqual(['prod_first']);
    const fatal = second.logs.find((line) => line.level === 60 || line.level === 'fatal');
    expect(String(fatal?.msg)).toContain(`API port 127.0.0.1:${port} (PORT) is already in use`);
    expect(second.logs.some((line) => line.msg === 'catalog synced from Stripe')).toBe(false);

    const live = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(live.status).toBe(200);
  });

  it('a second `npm start` stops before it starts an emulator or syncs its demo catalog', async () => {
    const dataFolder = mkdtempSync(path.join(tmpdir(), 'second-launcher-'));
    try {
      const launcher = startServiceProcess('src/launcher.ts', {
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATABASE_URL: database.url,
        EMBEDDED_POSTGRES_DATA_DIR: path.join(dataFolder, 'postgres'),
        HOST: '127.0.0.1',
        PORT: String(port),
        METRICS_PORT: String(await findFreePort()),
        STRIPE_EMULATOR_PORT: String(await findFreePort()),
      });
      expect((await launcher.exited).code).toBe(1);
      expect(await productIds()).toEqual(['prod_first']);
      expect(existsSync(path.join(dataFolder, 'stripe-emulator'))).toBe(false);
      const fatal = launcher.logs.find((line) => line.level === 60 || line.level === 'fatal');
      expect(String(fatal?.msg)).toContain(`API port 127.0.0.1:${port} (PORT) is already in use`);
    } finally {
      rmSync(dataFolder, { recursive: true, force: true });
    }
  });
});
