import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../config/repository-root.js';
import { insertSyntheticEvents, webhookSettings } from '../test-support/inbox-fixtures.js';
import { signPayload } from '../test-support/stripe-events.js';
import { postWebhook } from '../test-support/webhook-delivery.js';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';
import type { EventHandler } from '../webhooks/handlers/event-handler.js';
import { webhookMetricsFor } from '../webhooks/webhook-metrics.js';
import { createInboxWorker } from '../webhooks/worker/inbox-worker.js';

const run = promisify(execFile);
const SECRET = 'whsec_admin_test';

describe('dead letters and replay', () => {
  let database: TestDatabase;
  let testApp: TestApp;
  let adminKey: string;
  let billingKey: string;
  let deadIds: string[];
  let processedId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    testApp = await buildTestApp({
      databaseUrl: database.url,
      environment: { STRIPE_WEBHOOK_SECRET: SECRET },
    });
    adminKey = (await testApp.dependencies.apiKeys.create({ name: 'admin', scopes: ['admin'] })).key;
    billingKey = (await testApp.dependencies.apiKeys.create({ name: 'billing', scopes: ['billing'] })).key;
    const { pool } = testApp.dependencies;
    deadIds = await insertSyntheticEvents(pool, { prefix: 'broken', count: 3, type: 'test.broken' });
    processedId = (await insertSyntheticEvents(pool, { prefix: 'fine', count: 1, type: 'test.fine' }))[0]!;
    const fine: EventHandler = { apply: async (_event, context) => context.recordEffect('fine') };
    const worker = createInboxWorker({
      pool,
      logger: testApp.dependencies.logger,
      metrics: webhookMetricsFor(testApp.dependencies.metrics.registry),
      handlers: new Map<string, EventHandler>([
        [
          'test.broken',
          {
            apply: async () => {
              throw new Error('the handler is broken');
            },
          },
        ],
        ['test.fine', fine],
      ]),
      settings: webhookSettings({ WEBHOOK_MAX_ATTEMPTS: '1' }),
    });
    await worker.runBatch();
  });

  afterAll(async () => {
    await testApp.close();
    await database.drop();
  });

  const call = (method: 'GET' | 'POST', url: string, key = adminKey, body?: Record<string, unknown>) =>
    testApp.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(body === undefined ? {} : { payload: body }),
    });
  const statusOf = async (id: string) =>
    (
      await testApp.dependencies.pool.query<{ status: string; attempts: number }>(
        'SELECT status, attempts FROM stripe_events WHERE id = $1',
        [id],
      )
    ).rows[0];

  it('lists dead events by status and type, a page at a time', async () => {
    const first = await call('GET', '/v1/admin/events?status=dead&type=test.broken&limit=2');
    expect(first.statusCode).toBe(200);
    const page = first.json<{
      data: Array<{ id: string; status: string; last_error: string }>;
      has_more: boolean;
    }>();
    expect(page.has_more).toBe(true);
    expect(page.data.map((event) => event.status)).toEqual(['dead', 'dead']);
    expect(page.data[0]?.last_error).toBe('Error: the handler is broken');
    const next = await call('GET', `/v1/admin/events?status=dead&limit=2&starting_after=${page.data[1]!.id}`);
    const rest = next.json<{ data: Array<{ id: string }>; has_more: boolean }>();
    expect(rest.has_more).toBe(false);
    expect([...page.data, ...rest.data].map((event) => event.id).sort()).toEqual([...deadIds].sort());
  });

  it('refuses an unknown status with the field and reason, and a key without the admin scope', async () => {
    const bad = await call('GET', '/v1/admin/events?status=lost');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toMatch(/querystring\.status/);
    expect((await call('GET', '/v1/admin/events', billingKey)).statusCode).toBe(403);
  });

  it('shows one event with its error history and payload', async () => {
    const response = await call('GET', `/v1/admin/events/${deadIds[0]}`);
    expect(response.statusCode).toBe(200);
    const event = response.json<{
      error_history: Array<{ attempt: number; error: string }>;
      payload: string;
    }>();
    expect(event.error_history).toEqual([
      expect.objectContaining({ attempt: 1, error: 'Error: the handler is broken' }),
    ]);
    expect(JSON.parse(event.payload)).toMatchObject({ id: deadIds[0], type: 'test.broken' });
    expect((await call('GET', '/v1/admin/events/evt_missing')).statusCode).toBe(404);
  });

  it('replays one dead event, and refuses to replay an applied one', async () => {
    const response = await call('POST', `/v1/admin/events/${deadIds[0]}/replay`);
    expect(response.statusCode).toBe(200);
    expect(await statusOf(deadIds[0]!)).toEqual({ status: 'pending', attempts: 0 });
    const applied = await call('POST', `/v1/admin/events/${processedId}/replay`);
    expect(applied.statusCode).toBe(409);
    expect(applied.json<{ error: { message: string } }>().error.message).toMatch(/applied already/);
  });

  it('makes a dead event due again when Stripe resends it (a manual resend is not a duplicate)', async () => {
    const { rows } = await testApp.dependencies.pool.query<{ payload: string }>(
      'SELECT payload FROM stripe_events WHERE id = $1',
      [deadIds[1]],
    );
    const payload = rows[0]!.payload;
    const response = await postWebhook(testApp.app, payload, signPayload(payload, SECRET));
    expect(response.statusCode).toBe(200);
    expect(await statusOf(deadIds[1]!)).toEqual({ status: 'pending', attempts: 0 });
  });

  it('replays every dead event from the CLI, and lists them', async () => {
    const cli = (...args: string[]) =>
      run(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/cli/main.ts', ...args], {
        cwd: path.join(repositoryRoot, 'service'),
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: database.url },
      });
    const listed = await cli('events', 'list', '--status', 'dead');
    expect(listed.stdout).toContain(deadIds[2]);
    const replayed = await cli('events', 'replay', '--dead', '--type', 'test.broken');
    expect(replayed.stdout).toBe(`requeued 1 dead event(s): ${deadIds[2]}\n`);
    expect(await statusOf(deadIds[2]!)).toEqual({ status: 'pending', attempts: 0 });
    await expect(cli('events', 'frobnicate')).rejects.toMatchObject({ code: 2 });
  });
});
