// Connection-pool gauges (db_pool_connections by state, db_pool_max), read from each pg.Pool when scraped.
import { Gauge, type Registry } from 'prom-client';
import type { Pool } from '../db/pool.js';

export interface MeasuredPool {
  pool: Pool;
  max: number;
}

/** Registers the gauges for the named pools; nothing runs between scrapes. */
export function registerPoolMetrics(registry: Registry, pools: Record<string, MeasuredPool>): void {
  const entries = Object.entries(pools);
  new Gauge({
    name: 'db_pool_connections',
    help: 'PostgreSQL pool clients by state: total (open), idle, and waiting (requests queued for a client).',
    labelNames: ['pool', 'state'],
    registers: [registry],
    collect() {
      for (const [name, { pool }] of entries) {
        this.set({ pool: name, state: 'total' }, pool.totalCount);
        this.set({ pool: name, state: 'idle' }, pool.idleCount);
        this.set({ pool: name, state: 'waiting' }, pool.waitingCount);
      }
    },
  });
  new Gauge({
    name: 'db_pool_max',
    help: 'The most clients each PostgreSQL pool opens (DATABASE_POOL_MAX, or its share for the async pool).',
    labelNames: ['pool'],
    registers: [registry],
    collect() {
      for (const [name, { max }] of entries) this.set({ pool: name }, max);
    },
  });
}
