import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMetricsApp } from '../observability/metrics-app.js';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';

/** The full report (with each check's reason), as the metrics listener serves it. */
async function readinessOnMetricsListener(testApp: TestApp) {
  const { metrics, logger, readiness } = testApp.dependencies;
  const metricsApp = buildMetricsApp({ metrics, logger, readiness });
  try {
    return await metricsApp.inject({ method: 'GET', url: '/health/ready' });
  } finally {
    await metricsApp.close();
  }
}

describe('health endpoints', () => {
  let database: TestDatabase;
  let testApp: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    testApp = await buildTestApp({ databaseUrl: database.url });
    await testApp.app.ready();
  });

  afterAll(async () => {
    await testApp.close();
    await database.drop();
  });

  it('answers liveness without touching the database', async () => {
    const unreachable = await buildTestApp();
    const response = await unreachable.app.inject({ method: 'GET', url: '/health/live' });
    await unreachable.close();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('is ready when the database answers and every migration is applied', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json<{
      status: string;
      checks: Array<{ name: string; status: string; latency_ms: number }>;
    }>();
    expect(body.status).toBe('ready');
    expect(body.checks.map((check) => [check.name, check.status])).toEqual([
      ['database', 'pass'],
      ['migrations', 'pass'],
      ['stripe', 'pass'],
    ]);
    for (const check of body.checks) expect(check.latency_ms).toBeTypeOf('number');
  });

  it('is not ready, with 503, when the database is gone', async () => {
    const doomed = await createTestDatabase();
    const doomedApp = await buildTestApp({ databaseUrl: doomed.url });
    expect((await doomedApp.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);

    await doomed.drop();
    const publicAnswer = await doomedApp.app.inject({ method: 'GET', url: '/health/ready' });
    const response = await readinessOnMetricsListener(doomedApp);
    await doomedApp.close();

    expect(publicAnswer.statusCode).toBe(503);
    expect(publicAnswer.json()).toMatchObject({
      status: 'not_ready',
      checks: [
        { name: 'database', status: 'fail' },
        { name: 'migrations', status: 'fail' },
        { name: 'stripe', status: 'pass' },
      ],
    });
    expect(publicAnswer.body).not.toContain('database unreachable');
    expect(publicAnswer.body).not.toContain('closed');

    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      status: 'not_ready',
      checks: [
        { name: 'database', status: 'fail', error: 'database unreachable' },
        { name: 'migrations', status: 'fail' },
        { name: 'stripe', status: 'pass', detail: 'closed' },
      ],
    });
  });

  it('is not ready when nothing listens at the database address', async () => {
    const unreachable = await buildTestApp({ environment: { DATABASE_CONNECTION_TIMEOUT_MS: '500' } });
    const response = await unreachable.app.inject({ method: 'GET', url: '/health/ready' });
    await unreachable.close();
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      status: 'not_ready',
      checks: [
        { name: 'database', status: 'fail' },
        { name: 'migrations', status: 'fail' },
        { name: 'stripe', status: 'pass' },
      ],
    });
    // Connection details stay in the log, not in the public answer.
    expect(response.body).not.toContain('127.0.0.1');
  });

  it('is not ready while migrations are pending, and names them', async () => {
    const empty = await createTestDatabase({ migrated: false });
    const emptyApp = await buildTestApp({ databaseUrl: empty.url });
    const response = await readinessOnMetricsListener(emptyApp);
    await emptyApp.close();
    await empty.drop();
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      checks: [
        { name: 'database', status: 'pass' },
        {
          name: 'migrations',
          status: 'fail',
          error: expect.stringMatching(/^pending migrations: 0001_/) as unknown,
        },
        { name: 'stripe', status: 'pass' },
      ],
    });
  });

  it('turns 503 shutting_down as soon as shutdown begins', async () => {
    const draining = await buildTestApp({ databaseUrl: database.url });
    draining.dependencies.readiness.markShuttingDown();
    const response = await draining.app.inject({ method: 'GET', url: '/health/ready' });
    await draining.close();
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ status: 'shutting_down' });
  });
});
