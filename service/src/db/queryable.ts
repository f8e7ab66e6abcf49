// What a repository or service function runs its SQL on: the pool, or the client of a transaction in progress.
// The one way a transaction is passed: functions that write (or must read inside the caller's transaction) take
// `db: Queryable` first — or `client: PoolClient` first when they need a transaction (row or advisory locks) —
// and `withTransaction(pool, (client) => …)` (db/transaction.ts) gives that client.
import type { Pool, PoolClient } from './pool.js';

export type Queryable = Pick<Pool | PoolClient, 'query'>;
