// Gauges of what the service depends on, measured when Prometheus scrapes: database_up (a SELECT 1 bounded by a
// short timeout) and stripe_circuit_breaker_state. Nothing runs between scrapes.
import { Gauge, type Registry } from 'prom-client';
import type { Pool } from '../db/pool.js';
import type { BreakerState, StripeCircuit } from '../stripe/circuit-breaker.js';

const DATABASE_PROBE_TIMEOUT_MS = 1_000;
const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half_open'];

async function databaseAnswers(pool: Pool): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), DATABASE_PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      pool.query('SELECT 1').then(
        () => true,
        () => false,
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerDependencyMetrics(
  registry: Registry,
  dependencies: { pool: Pool; stripeCircuit: StripeCircuit },
): void {
  new Gauge({
    name: 'database_up',
    help: `1 when PostgreSQL answered SELECT 1 within ${DATABASE_PROBE_TIMEOUT_MS} ms at scrape time, else 0.`,
    registers: [registry],
    async collect() {
      this.set((await databaseAnswers(dependencies.pool)) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'stripe_circuit_breaker_state',
    help: 'The Stripe circuit breaker: 1 for its current state (closed, open, half_open), 0 for the others.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const current = dependencies.stripeCircuit.state();
      for (const state of BREAKER_STATES) this.set({ state }, state === current ? 1 : 0);
    },
  });
}
