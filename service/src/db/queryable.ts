// What a repository function runs its SQL on: the pool, or the client of a transaction in progress.
import type { Pool, PoolClient } from './pool.js';

export type Queryable = Pool | PoolClient;

/** Options of service writes that may join a caller's transaction (webhook handlers pass theirs). */
export interface TransactionOption {
  client?: PoolClient;
}
