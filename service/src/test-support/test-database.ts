// A fresh database per test file, cloned from the template that global-setup.ts migrated.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabaseServer {
  /** A connection URL with rights to create and drop databases. */
  adminUrl: string;
  /** The migrated database every test database is cloned from. */
  templateName: string;
}

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, closing any connection still open to it. */
  drop: () => Promise<void>;
}

export function databaseUrlFor(serverUrl: string, databaseName: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(databaseName)}`;
  return url.toString();
}

/** Creates a database: a migrated clone of the template, or an empty one with `{ migrated: false }`. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const { adminUrl, templateName } = inject('testDatabaseServer');
  const name = `billing_test_${randomBytes(8).toString('hex')}`;
  const template = options.migrated === false ? 'template0' : templateName;
  await withAdminClient(adminUrl, async (client) => {
    await createDatabaseFromTemplate(client, name, template);
  });
  return {
    name,
    url: databaseUrlFor(adminUrl, name),
    drop: () =>
      withAdminClient(adminUrl, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      }),
  };
}

// PostgreSQL refuses to copy a template while another CREATE DATABASE is copying it ("source database is
// being accessed by other users"); test files start in parallel, so retry briefly.
async function createDatabaseFromTemplate(client: pg.Client, name: string, template: string): Promise<void> {
  const statement = `CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(template)}`;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await client.query(statement);
      return;
    } catch (error) {
      const objectInUse = (error as { code?: string }).code === '55006';
      if (!objectInUse || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

async function withAdminClient(adminUrl: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
