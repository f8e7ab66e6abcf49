// Vitest global setup for the service project: one PostgreSQL for the whole run (TEST_DATABASE_URL, or an
// embedded server in a temp folder on a free port) and one migrated template database that each test file
// clones (CREATE DATABASE … TEMPLATE …, as graphile/worker does), so files never share state.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded-postgres.js';
import { applyMigrations } from '../db/migrations.js';
import { createLogger } from '../observability/logger.js';
import { findFreePort } from './free-port.js';
import { databaseUrlFor, type TestDatabaseServer } from './test-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabaseServer: TestDatabaseServer;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = createLogger({ level: 'warn', pretty: false, secrets: [] });
  // Test tooling, not the service: the service itself reads the environment only in config/load-config.ts.
  const configuredUrl = process.env.TEST_DATABASE_URL;
  let embedded: EmbeddedPostgres | undefined;
  let temporaryFolder: string | undefined;
  let adminUrl: string;

  if (configuredUrl !== undefined && configuredUrl !== '') {
    adminUrl = configuredUrl;
  } else {
    temporaryFolder = await mkdtemp(path.join(tmpdir(), 'billing-test-postgres-'));
    // When root, PostgreSQL runs as the "postgres" user, which must be able to enter this folder.
    await chmod(temporaryFolder, 0o755);
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(temporaryFolder, 'data'),
      port: await findFreePort(),
      databaseName: 'postgres',
      logger,
      unsafeFast: true,
    });
    adminUrl = embedded.connectionString;
  }

  // Unique per run: several runs may share one TEST_DATABASE_URL server.
  const templateName = `billing_test_template_${randomBytes(6).toString('hex')}`;
  await runAdminQuery(adminUrl, (client) => `CREATE DATABASE ${client.escapeIdentifier(templateName)}`);
  await applyMigrations({ databaseUrl: databaseUrlFor(adminUrl, templateName), logger });

  project.provide('testDatabaseServer', { adminUrl, templateName });

  return async () => {
    await runAdminQuery(
      adminUrl,
      (client) => `DROP DATABASE IF EXISTS ${client.escapeIdentifier(templateName)} WITH (FORCE)`,
    );
    await embedded?.stop();
    if (temporaryFolder !== undefined) await rm(temporaryFolder, { recursive: true, force: true });
  };
}

async function runAdminQuery(adminUrl: string, statement: (client: pg.Client) => string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement(client));
  } finally {
    await client.end();
  }
}
