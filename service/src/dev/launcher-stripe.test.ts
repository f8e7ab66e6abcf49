// Tests of `npm start` with no Stripe configured: the in-process emulator, its state on disk, the mirror check.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeysService } from '../auth/api-keys.service.js';
import { DEFAULT_DEV_API_KEY } from '../config/auth.js';
import { createLogger } from '../observability/logger.js';
import { findFreePort } from '../test-support/free-port.js';
import { startServiceProcess, type ServiceProcess } from '../test-support/service-process.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';

describe('npm start with no Stripe configured', () => {
  let database: TestDatabase;
  let service: ServiceProcess;
  let api: string;
  let emulator: string;
  // The development key is seeded only on the embedded database, never on a DATABASE_URL server such as this
  // test's: the test creates its own key there, as an operator would with `npm run billing -- api-keys create`.
  let apiKey: string;
  // The launcher keeps the emulator's state beside the embedded database's folder: a temporary one here.
  const dataFolder = mkdtempSync(path.join(tmpdir(), 'launcher-data-'));
  const emulatorState = path.join(dataFolder, 'stripe-emulator');

  async function startLauncher(): Promise<ServiceProcess> {
    const [port, emulatorPort] = [await findFreePort(), await findFreePort()];
    return startServiceProcess('src/launcher.ts', {
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      EMBEDDED_POSTGRES_DATA_DIR: path.join(dataFolder, 'postgres'),
      PORT: String(port),
      METRICS_PORT: '0',
      STRIPE_EMULATOR_PORT: String(emulatorPort),
      STRIPE_WEBHOOK_SECRET: 'whsec_launcher_test',
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    const apiKeys = createApiKeysService({
      pool,
      logger: createLogger({ level: 'silent', pretty: false, secrets: [] }),
      mode: 'test',
      cacheTtlMs: 0,
    });
    apiKey = (await apiKeys.create({ name: 'launcher test', scopes: ['billing'] })).key;
    await apiKeys.close();
    await pool.end();
    service = await startLauncher();
    const ready = await service.waitForLog((line) => line.msg === 'development environment ready');
    api = String(ready.api);
    emulator = String(ready.emulator);
  }, 60_000);

  afterAll(async () => {
    service.child.kill('SIGTERM');
    await service.exited;
    await database.drop();
    rmSync(dataFolder, { recursive: true, force: true });
  });

  it('starts the emulator with the demo catalog, synced into our catalog, usable with a key of its database', async () => {
    const response = await fetch(`${api}/v1/catalog`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(response.status).toBe(200);
    const catalog = (await response.json()) as {
      data: Array<{ id: string; features: string[]; prices: unknown[] }>;
    };
    expect(catalog.data.map((product) => product.id)).toEqual(
      expect.arrayContaining(['prod_pro', 'prod_team', 'prod_guide']),
    );
    expect(catalog.data.find((product) => product.id === 'prod_pro')?.prices).toHaveLength(2);
  });

  it('does not seed the development key on a DATABASE_URL database', async () => {
    const response = await fetch(`${api}/v1/catalog`, {
      headers: { authorization: `Bearer ${DEFAULT_DEV_API_KEY}` },
    });
    expect(response.status).toBe(401);
  });

  it("registers the service's webhook endpoint with the configured secret", async () => {
    const endpoints = await fetch(`${emulator}/v1/webhook_endpoints`, {
      headers: { authorization: 'Bearer sk_test_emulator' },
    });
    const body = (await endpoints.json()) as { data: Array<{ url: string }> };
    expect(body.data.map((endpoint) => endpoint.url)).toEqual([
      `${api.replace('localhost', '127.0.0.1')}/webhooks/stripe`,
    ]);
    const ready = (await (await fetch(`${api}/health/ready`)).json()) as { status: string };
    expect(ready.status).toBe('ready');
  });

  it('delivers Stripe events to our webhook route, signed with a secret it accepts', async () => {
    const created = await fetch(`${api}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ external_id: 'launcher_user', email: 'launcher@example.com' }),
    });
    expect(created.status).toBe(201);
    await fetch(`${emulator}/_emulator/webhooks/idle?timeout_ms=10000`);
    const log = (await (
      await fetch(`${emulator}/_emulator/webhooks/deliveries?event_type=customer.created`)
    ).json()) as {
      data: Array<{ status_code: number | null; succeeded: boolean }>;
    };
    expect(log.data.length).toBeGreaterThan(0);
    expect(log.data.every((delivery) => delivery.succeeded && delivery.status_code === 200)).toBe(true);
  });

  it('stops the emulator with the service on SIGTERM, exiting 0', async () => {
    service.child.kill('SIGTERM');
    const { code } = await service.exited;
    expect(code).toBe(0);
    await expect(fetch(`${emulator}/_emulator/state`)).rejects.toThrow();
    expect(existsSync(path.join(emulatorState, 'state.v8'))).toBe(true);
  });

  it('keeps the emulator state across restarts and warns, with how to reset, when it lost our customers', async () => {
    const restarted = await startLauncher();
    const ready = await restarted.waitForLog((line) => line.msg === 'development environment ready');
    const known = await fetch(`${String(ready.emulator)}/v1/customers`, {
      headers: { authorization: 'Bearer sk_test_emulator' },
    });
    expect(((await known.json()) as { data: unknown[] }).data).toHaveLength(1);
    restarted.child.kill('SIGTERM');
    await restarted.exited;

    rmSync(emulatorState, { recursive: true, force: true });
    const forgetful = await startLauncher();
    const warning = await forgetful.waitForLog(
      (line) => typeof line.msg === 'string' && line.msg.includes('does not know customer'),
    );
    expect(String(warning.msg)).toContain(`delete ${emulatorState}`);
    forgetful.child.kill('SIGTERM');
    await forgetful.exited;
  }, 60_000);
});
