// Starting while PostgreSQL is unreachable: the API and the worker say where they tried to connect and through
// which variable, retry with backoff, start once the database appears, and exit non-zero after
// DATABASE_STARTUP_TIMEOUT_MS if it never does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDatabaseProxy, type DatabaseProxy } from '../test-support/database-proxy.js';
import { findFreePort } from '../test-support/free-port.js';
import { startServiceProcess, waitForApiPort, type LogLine } from '../test-support/service-process.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';

const baseEnvironment = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'info',
  MIGRATE_ON_START: 'false',
  CATALOG_SYNC_ON_START: 'false',
  METRICS_PORT: '0',
  PORT: '0',
  STRIPE_API_BASE: 'http://127.0.0.1:1',
};

const isRetryLine = (port: number) => (line: LogLine) =>
  line.msg?.startsWith(`cannot reach PostgreSQL at 127.0.0.1:${port} (DATABASE_URL); retrying`) === true;

describe('start-up with the database unreachable', () => {
  let database: TestDatabase;
  let proxy: DatabaseProxy;

  beforeAll(async () => {
    database = await createTestDatabase();
    proxy = await startDatabaseProxy(database.url);
  });

  afterAll(async () => {
    await proxy.close();
    await database.drop();
  });

  it.each(['src/server.ts', 'src/worker.ts'])(
    '%s names the address and the variable, retries, and exits 1 when the time is up',
    async (entry) => {
      const port = await findFreePort();
      const service = startServiceProcess(entry, {
        ...baseEnvironment,
        DATABASE_URL: `postgres://billing:secret-pw@127.0.0.1:${port}/billing`,
        DATABASE_STARTUP_TIMEOUT_MS: '1500',
      });
      const { code } = await service.exited;
      expect(code).toBe(1);
      expect(service.logs.filter(isRetryLine(port)).length).toBeGreaterThanOrEqual(2);
      const fatal = service.logs.find((line) => line.level === 60);
      expect(fatal?.msg).toContain(`Cannot reach PostgreSQL at 127.0.0.1:${port} (DATABASE_URL) after `);
      expect(fatal?.msg).toContain('ECONNREFUSED');
      expect(JSON.stringify(service.logs)).not.toContain('secret-pw');
      expect(service.logs.some((line) => String(line.msg).includes('Migrations failed'))).toBe(false);
    },
    30_000,
  );

  it('starts by itself once the database becomes reachable', async () => {
    await proxy.cut();
    const service = startServiceProcess('src/server.ts', {
      ...baseEnvironment,
      DATABASE_URL: proxy.url,
      DATABASE_STARTUP_TIMEOUT_MS: '60000',
    });
    try {
      await service.waitForLog(isRetryLine(proxy.port));
      await proxy.restore();
      const apiPort = await waitForApiPort(service);
      const response = await fetch(`http://127.0.0.1:${apiPort}/health/ready`);
      expect(response.status).toBe(200);
    } finally {
      service.child.kill('SIGTERM');
      const { code } = await service.exited;
      const failures = service.logs.filter((line) => Number(line.level) >= 50);
      expect({ code, failures }).toEqual({ code: 0, failures: [] });
    }
  }, 60_000);
});
