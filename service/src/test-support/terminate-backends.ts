// Ends every other session of a test database from the server side, as a restart, a failover or an operator's
// pg_terminate_backend would: their clients see "terminating connection due to administrator command".
import pg from 'pg';

export async function terminateOtherBackends(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const result = await client.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}
