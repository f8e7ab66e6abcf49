// Runs work in one transaction on one pooled client: commit on success, roll back on any error. The work runs
// marked as inside a transaction (AsyncLocalStorage), so that the Stripe gateway can refuse to be called there:
// no transaction, and so no row or advisory lock, is ever held while we wait on Stripe.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool, PoolClient } from './pool.js';

const transactionScope = new AsyncLocalStorage<true>();

/** True while the caller runs (directly or through anything it awaits) inside withTransaction's work. */
export function isInsideTransaction(): boolean {
  return transactionScope.getStore() === true;
}

export async function withTransaction<Result>(
  pool: Pool,
  work: (client: PoolClient) => Promise<Result>,
): Promise<Result> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await transactionScope.run(true, () => work(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      // The connection is in an unknown state: destroy it instead of returning it to the pool.
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
