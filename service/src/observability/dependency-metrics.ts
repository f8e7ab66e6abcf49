// Gauges of what the service depends on, measured when Prometheus scrapes: database_up (a SELECT 1 bounded by a
// short timeout) and stripe_circuit_breaker_state. Nothing runs between scrapes.
import { Gauge, type Registry } from 'prom-client';
import type { Pool } from '../db/pool.js';
import { defineMetrics } from './metrics.js';
import type { StripeGateway } from '../stripe/gateway.js';

type StripeCircuit = StripeGateway['circuit'];
type BreakerState = ReturnType<StripeCircuit['state']>;

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

interface Dependencies {
  pool: Pool;
  stripeCircuit: StripeCircuit;
}

const dependencyMetricsFor = defineMetrics((registers) => {
  // What the gauges measure on this registry, set by registerDependencyMetrics.
  const measured: { dependencies: Dependencies | undefined } = { dependencies: undefined };
  new Gauge({
    name: 'database_up',
    help: `1 when PostgreSQL answered SELECT 1 within ${DATABASE_PROBE_TIMEOUT_MS} ms at scrape time, else 0.`,
    registers,
    async collect() {
      if (measured.dependencies === undefined) return;
      this.set((await databaseAnswers(measured.dependencies.pool)) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'stripe_circuit_breaker_state',
    help: 'The Stripe circuit breaker: 1 for its current state (closed, open, half_open), 0 for the others.',
    labelNames: ['state'],
    registers,
    collect() {
      if (measured.dependencies === undefined) return;
      const current = measured.dependencies.stripeCircuit.state();
      for (const state of BREAKER_STATES) this.set({ state }, state === current ? 1 : 0);
    },
  });
  return measured;
});

export function registerDependencyMetrics(registry: Registry, dependencies: Dependencies): void {
  dependencyMetricsFor(registry).dependencies = dependencies;
}
