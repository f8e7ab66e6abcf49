// Database TLS against a PostgreSQL of this test's own (embedded, ssl=on, a certificate made here): sslmode with
// libpq's meaning and DATABASE_SSL_CA_FILE, through the same config and pool the service uses.
import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { createLogger } from '../observability/logger.js';
import { findFreePort } from '../test-support/free-port.js';
import {
  createTestCertificates,
  type CertificateFiles,
  type TestCertificates,
} from '../test-support/test-certificates.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';
import { applyMigrations, findPendingMigrations, listMigrationNames } from './migrations.js';
import { createPool } from './pool.js';

const run = promisify(execFile);
const logger = createLogger({ level: 'silent', pretty: false, secrets: [] });

/** PostgreSQL reads its key only when the server's user owns it and nobody else may read it. */
async function handKeyToPostgres(keyFile: string): Promise<void> {
  await chmod(keyFile, 0o600);
  if (process.getuid?.() !== 0) return;
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  await chown(keyFile, uid, gid);
}

describe('database TLS (sslmode, DATABASE_SSL_CA_FILE)', () => {
  let certificates: TestCertificates;
  let folder: string;
  let server: EmbeddedPostgres;
  let authority: CertificateFiles;
  let otherAuthority: CertificateFiles;
  let baseUrl: URL;

  beforeAll(async () => {
    certificates = await createTestCertificates();
    await chmod(certificates.directory, 0o755);
    authority = await certificates.authority('db-ca');
    otherAuthority = await certificates.authority('other-ca');
    const serverCertificate = await certificates.server('db-server', authority, ['localhost', '127.0.0.1']);
    await chmod(serverCertificate.certFile, 0o644);
    await handKeyToPostgres(serverCertificate.keyFile);
    folder = await mkdtemp(path.join(tmpdir(), 'billing-tls-postgres-'));
    await chmod(folder, 0o755);
    server = await startEmbeddedPostgres({
      dataDir: path.join(folder, 'data'),
      port: await findFreePort(),
      databaseName: 'billing_tls',
      logger,
      unsafeFast: true,
      settings: {
        ssl: 'on',
        ssl_cert_file: serverCertificate.certFile,
        ssl_key_file: serverCertificate.keyFile,
      },
    });
    baseUrl = new URL(server.connectionString);
  }, 120_000);

  afterAll(async () => {
    await server.stop();
    await rm(folder, { recursive: true, force: true });
    await certificates.remove();
  });

  function urlWith(sslmode: string | undefined, host = '127.0.0.1'): string {
    const url = new URL(baseUrl);
    url.hostname = host;
    if (sslmode !== undefined) url.searchParams.set('sslmode', sslmode);
    return url.toString();
  }

  /** Connects as the service would with this environment; whether the session is encrypted. */
  async function sessionIsEncrypted(environment: Record<string, string>): Promise<boolean> {
    const config = parseConfig({ NODE_ENV: 'test', STRIPE_API_BASE: 'http://127.0.0.1:1', ...environment });
    const pool = createPool(config.database.url!, { ...config.database, connectionTimeoutMs: 5000 }, logger);
    try {
      const result = await pool.query<{ ssl: boolean }>(
        'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      );
      return result.rows[0]?.ssl === true;
    } finally {
      await pool.end();
    }
  }

  it('connects with sslmode=verify-full and the CA file, by IP address and by host name', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      expect(
        await sessionIsEncrypted({
          DATABASE_URL: urlWith('verify-full', host),
          DATABASE_SSL_CA_FILE: authority.certFile,
        }),
      ).toBe(true);
    }
  });

  it('refuses verify-full against a certificate of another CA', async () => {
    await expect(
      sessionIsEncrypted({
        DATABASE_URL: urlWith('verify-full'),
        DATABASE_SSL_CA_FILE: otherAuthority.certFile,
      }),
    ).rejects.toThrow(/certificate/i);
  });

  it('refuses verify-full with no CA file against a private CA (the system store does not know it)', async () => {
    await expect(sessionIsEncrypted({ DATABASE_URL: urlWith('verify-full') })).rejects.toThrow(
      /certificate/i,
    );
  });

  it('checks the CA but not the host name with verify-ca', async () => {
    expect(
      await sessionIsEncrypted({
        DATABASE_URL: urlWith('verify-ca'),
        DATABASE_SSL_CA_FILE: authority.certFile,
      }),
    ).toBe(true);
    await expect(
      sessionIsEncrypted({
        DATABASE_URL: urlWith('verify-ca'),
        DATABASE_SSL_CA_FILE: otherAuthority.certFile,
      }),
    ).rejects.toThrow(/certificate/i);
  });

  it('encrypts without checking the certificate with sslmode=require (libpq), and not at all with disable or none', async () => {
    expect(await sessionIsEncrypted({ DATABASE_URL: urlWith('require') })).toBe(true);
    expect(await sessionIsEncrypted({ DATABASE_URL: urlWith('disable') })).toBe(false);
    expect(await sessionIsEncrypted({ DATABASE_URL: urlWith(undefined) })).toBe(false);
  });

  it('applies the migrations over verify-full (every client gets the same TLS settings)', async () => {
    const config = parseConfig({
      NODE_ENV: 'test',
      STRIPE_API_BASE: 'http://127.0.0.1:1',
      DATABASE_URL: urlWith('verify-full'),
      DATABASE_SSL_CA_FILE: authority.certFile,
    });
    await applyMigrations({ databaseUrl: config.database.url!, logger });
    const pool = createPool(config.database.url!, config.database, logger);
    try {
      expect(await findPendingMigrations(pool, await listMigrationNames())).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it.each([
    [{ DATABASE_URL: 'postgres://u@db/b?sslmode=prefer' }, /sslmode must be one of/],
    [{ DATABASE_URL: 'postgres://u@db/b?sslmode=allow' }, /sslmode must be one of/],
    [{ DATABASE_URL: 'postgres://u@db/b?sslmode=verify-ca' }, /DATABASE_SSL_CA_FILE/],
    [{ DATABASE_URL: 'postgres://u@db/b', DATABASE_SSL_CA_FILE: '/ca.pem' }, /DATABASE_SSL_CA_FILE/],
  ])('refuses %j', (environment, message) => {
    expect(() => parseConfig({ STRIPE_API_BASE: 'http://127.0.0.1:1', ...environment })).toThrow(message);
  });
});
