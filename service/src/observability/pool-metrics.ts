// Connection-pool gauges (db_pool_connections by state, db_pool_max), read from each pg.Pool when scraped.
import { Gauge, type Registry } from 'prom-client';
import type { Pool } from '../db/pool.js';
import { defineMetrics } from './metrics.js';

export interface MeasuredPool {
  pool: Pool;
  max: number;
}

const poolMetricsFor = defineMetrics((registers) => {
  // The pools measured on this registry, by name; the gauges read them at scrape time.
  const pools = new Map<string, MeasuredPool>();
  new Gauge({
    name: 'db_pool_connections',
    help: 'PostgreSQL pool clients by state: total (open), idle, and waiting (requests queued for a client).',
    labelNames: ['pool', 'state'],
    registers,
    collect() {
      for (const [name, { pool }] of pools) {
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
    registers,
    collect() {
      for (const [name, { max }] of pools) this.set({ pool: name }, max);
    },
  });
  return { pools };
});

/** Measures the named pools on the registry's gauges; nothing runs between scrapes. */
export function registerPoolMetrics(registry: Registry, pools: Record<string, MeasuredPool>): void {
  const measured = poolMetricsFor(registry).pools;
  for (const [name, pool] of Object.entries(pools)) measured.set(name, pool);
}
