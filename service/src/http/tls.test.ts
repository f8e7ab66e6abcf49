// HTTPS served by the service: TLS 1.2 as the floor, the webhook endpoint ahead of Fastify over HTTPS too, HSTS
// only over HTTPS, and the certificate reloaded (file change, SIGHUP) for new connections while an open
// keep-alive connection keeps working.
import { copyFile, readFile } from 'node:fs/promises';
import { Agent, request as httpsRequest } from 'node:https';
import { connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPayload } from '../test-support/stripe-events.js';
import {
  createTestCertificates,
  type CertificateFiles,
  type TestCertificates,
} from '../test-support/test-certificates.js';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';

const WEBHOOK_SECRET = 'whsec_tls_test_secret';

interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  reusedSocket: boolean;
  peer: PeerCertificate;
}

function call(
  port: number,
  options: { agent: Agent; method?: string; path?: string; body?: string; headers?: Record<string, string> },
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        method: options.method ?? 'GET',
        path: options.path ?? '/health/live',
        agent: options.agent,
        headers: options.headers,
      },
      (response) => {
        // Read now: a keep-alive socket goes back to the agent (and off the response) once the body ends.
        const peer = (response.socket as TLSSocket).getPeerCertificate();
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            reusedSocket: request.reusedSocket,
            peer,
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** The certificate a brand-new connection is served. */
function freshPeer(port: number, ca: Buffer[]): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca }, () => {
      resolve(socket.getPeerCertificate());
      socket.end();
    });
    socket.on('error', reject);
  });
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('HTTPS served by the service', () => {
  let certificates: TestCertificates;
  let database: TestDatabase;
  let authorityA: CertificateFiles;
  let authorityB: CertificateFiles;
  let serverA: CertificateFiles;
  let serverB: CertificateFiles;
  let live: CertificateFiles;
  let ca: Buffer[];

  beforeAll(async () => {
    certificates = await createTestCertificates();
    database = await createTestDatabase();
    authorityA = await certificates.authority('ca-a');
    authorityB = await certificates.authority('ca-b');
    serverA = await certificates.server('server-a', authorityA);
    serverB = await certificates.server('server-b', authorityB);
    ca = [await readFile(authorityA.certFile), await readFile(authorityB.certFile)];
    live = {
      certFile: path.join(certificates.directory, 'live.crt'),
      keyFile: path.join(certificates.directory, 'live.key'),
    };
  });
  afterAll(async () => {
    await database.drop();
    await certificates.remove();
  });

  async function startHttps(
    environment: Record<string, string> = {},
  ): Promise<{ testApp: TestApp; port: number }> {
    await copyFile(serverA.certFile, live.certFile);
    await copyFile(serverA.keyFile, live.keyFile);
    const testApp = await buildTestApp({
      databaseUrl: database.url,
      environment: {
        TLS_CERT_FILE: live.certFile,
        TLS_KEY_FILE: live.keyFile,
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        ...environment,
      },
    });
    await testApp.app.listen({ host: '127.0.0.1', port: 0 });
    const address = testApp.app.server.address();
    return { testApp, port: typeof address === 'object' && address !== null ? address.port : 0 };
  }

  it('answers over HTTPS with HSTS, and refuses plain HTTP and TLS below 1.2 on the same port', async () => {
    const { testApp, port } = await startHttps();
    const agent = new Agent({ ca });
    try {
      const answer = await call(port, { agent });
      expect(answer.status).toBe(200);
      expect(answer.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
      await expect(
        new Promise((resolve, reject) => {
          const socket = connect(
            {
              host: '127.0.0.1',
              port,
              ca,
              servername: 'localhost',
              maxVersion: 'TLSv1.1',
              minVersion: 'TLSv1',
            },
            () => resolve(socket.getProtocol()),
          );
          socket.on('error', reject);
        }),
      ).rejects.toThrow();
      const modern = await freshPeer(port, ca);
      expect(modern.subject.CN).toBe('server-a');
    } finally {
      agent.destroy();
      await testApp.close();
    }
  });

  it('keeps the webhook endpoint ahead of Fastify working over HTTPS', async () => {
    const { testApp, port } = await startHttps();
    const agent = new Agent({ ca });
    try {
      const payload = JSON.stringify({
        id: 'evt_over_https',
        object: 'event',
        type: 'customer.created',
        api_version: '2026-10-28.endive',
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        data: { object: { id: 'cus_over_https', object: 'customer' } },
      });
      const headers = {
        'content-type': 'application/json',
        'stripe-signature': signPayload(payload, WEBHOOK_SECRET),
      };
      const accepted = await call(port, {
        agent,
        method: 'POST',
        path: '/webhooks/stripe',
        body: payload,
        headers,
      });
      expect(accepted.status, accepted.body).toBe(200);
      expect(JSON.parse(accepted.body)).toMatchObject({ received: true, event_id: 'evt_over_https' });
      const forged = await call(port, {
        agent,
        method: 'POST',
        path: '/webhooks/stripe',
        body: payload,
        headers: { ...headers, 'stripe-signature': signPayload(payload, 'whsec_wrong') },
      });
      expect(forged.status).toBe(400);
      expect(JSON.parse(forged.body)).toHaveProperty('error.code');
    } finally {
      agent.destroy();
      await testApp.close();
    }
  });

  it('serves a changed certificate to new connections while an open keep-alive connection keeps working', async () => {
    const { testApp, port } = await startHttps({ TLS_WATCH_INTERVAL_MS: '100' });
    const agent = new Agent({ ca, keepAlive: true, maxSockets: 1 });
    try {
      const first = await call(port, { agent });
      expect(first.peer.subject.CN).toBe('server-a');

      await copyFile(serverB.keyFile, live.keyFile);
      await copyFile(serverB.certFile, live.certFile);
      await until(async () => (await freshPeer(port, ca)).subject.CN === 'server-b', 'the new certificate');

      const again = await call(port, { agent });
      expect(again.status).toBe(200);
      expect(again.reusedSocket).toBe(true);
      expect(again.peer.subject.CN).toBe('server-a');
    } finally {
      agent.destroy();
      await testApp.close();
    }
  });

  it('reloads on SIGHUP, and keeps the old certificate when the new pair does not load', async () => {
    const { testApp, port } = await startHttps({ TLS_WATCH_INTERVAL_MS: '3600000' });
    try {
      // A certificate with the key of another: refused, the old pair stays.
      await copyFile(serverB.certFile, live.certFile);
      process.emit('SIGHUP', 'SIGHUP');
      expect((await freshPeer(port, ca)).subject.CN).toBe('server-a');
      expect(
        testApp
          .logLines()
          .some((line) => line.msg === 'TLS certificate not reloaded; still serving the previous one'),
      ).toBe(true);

      await copyFile(serverB.keyFile, live.keyFile);
      process.emit('SIGHUP', 'SIGHUP');
      expect((await freshPeer(port, ca)).subject.CN).toBe('server-b');
    } finally {
      await testApp.close();
    }
  });

  it('stops listening for SIGHUP once the app is closed', async () => {
    const before = process.listenerCount('SIGHUP');
    const { testApp } = await startHttps();
    expect(process.listenerCount('SIGHUP')).toBe(before + 1);
    await testApp.close();
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });

  it('refuses TLS_CERT_FILE without TLS_KEY_FILE', async () => {
    await expect(buildTestApp({ environment: { TLS_CERT_FILE: serverA.certFile } })).rejects.toThrow(
      /TLS_KEY_FILE/,
    );
  });
});
