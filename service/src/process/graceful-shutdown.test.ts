import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceProcess, waitForApiPort } from '../test-support/service-process.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';

const IN_FLIGHT_REQUESTS = 8;
const SLOW_REQUEST_MS = 2000;

// A connection the kernel accepted just before the listener closed is then reset by the server: not served
// either, but only "refused" proves the listener is gone.
function tryConnect(port: number): Promise<'connected' | 'reset' | 'refused'> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') resolve('refused');
      else if (error.code === 'ECONNRESET') resolve('reset');
      else reject(error);
    });
  });
}

describe('graceful shutdown of a real server process', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('on SIGTERM refuses new connections, finishes every in-flight request, then exits 0', async () => {
    const service = startServiceProcess('src/test-support/slow-route-server.ts', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: database.url,
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_PORT: '0',
      SHUTDOWN_TIMEOUT_MS: '20000',
    });
    try {
      const port = await waitForApiPort(service);

      let allSettled = false;
      const inFlight = Promise.all(
        Array.from({ length: IN_FLIGHT_REQUESTS }, async () => {
          const response = await fetch(`http://127.0.0.1:${port}/test/slow?ms=${SLOW_REQUEST_MS}`);
          return { status: response.status, body: await response.json() };
        }),
      ).finally(() => {
        allSettled = true;
      });
      // Every request has reached its handler before the signal.
      while (service.logs.filter((line) => line.msg === 'slow request started').length < IN_FLIGHT_REQUESTS) {
        await service.waitForLog((line) => line.msg === 'slow request started');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }

      service.child.kill('SIGTERM');
      await service.waitForLog((line) => line.msg === 'shutting down');
      let newConnection: 'connected' | 'reset' | 'refused' = 'connected';
      while (newConnection !== 'refused' && !allSettled) {
        newConnection = await tryConnect(port);
      }
      expect(newConnection, 'a new connection was refused while requests were still in flight').toBe(
        'refused',
      );
      expect(allSettled).toBe(false);

      const responses = await inFlight;
      expect(responses).toEqual(
        Array.from({ length: IN_FLIGHT_REQUESTS }, () => ({
          status: 200,
          body: { slept_ms: SLOW_REQUEST_MS },
        })),
      );
      expect(await service.exited).toEqual({ code: 0, signal: null });
      const messages = service.logs.map((line) => line.msg);
      expect(messages).toContain('shutdown complete');
      // Every connection closed on its own: none had to be cut at the deadline.
      expect(messages).not.toContain('in-flight requests did not finish in time; closing their connections');
    } finally {
      service.child.kill('SIGKILL');
    }
  });
});
