// What other features need of our Idempotency-Key records: the worker's retention job prunes the expired ones.
// (The records themselves are written by idempotency.plugin.ts around each POST.)
import type { Pool } from '../db/pool.js';
import * as repo from './idempotency.repo.js';

const PRUNE_BATCH = 1000;

export interface IdempotencyService {
  /** Deletes expired records in batches; returns how many were deleted. */
  pruneExpired(): Promise<number>;
}

export function createIdempotencyService(options: { pool: Pool }): IdempotencyService {
  return {
    async pruneExpired() {
      let total = 0;
      for (;;) {
        const deleted = await repo.deleteExpiredIdempotencyKeys(options.pool, PRUNE_BATCH);
        total += deleted;
        if (deleted < PRUNE_BATCH) return total;
      }
    },
  };
}
