// Prometheus metrics on a registry owned by one app (not prom-client's global one), so tests can build many apps.
// Every metric is declared one way: in a group made by defineMetrics, beside the code that updates it
// (http-metrics.ts, webhooks/webhook-metrics.ts, stripe/stripe-metrics.ts), and registered on first use on the
// registry asked for — once per registry, so the API and the worker in one process share the series.
import { Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return { registry };
}

/**
 * Declares a group of metrics: `create` builds them with `registers` (the one registry asked for). The result
 * gives a registry's group, creating and registering it the first time.
 */
export function defineMetrics<Group>(
  create: (registers: Registry[]) => Group,
): (registry: Registry) => Group {
  const groups = new WeakMap<Registry, Group>();
  return (registry) => {
    let group = groups.get(registry);
    if (group === undefined) {
      group = create([registry]);
      groups.set(registry, group);
    }
    return group;
  };
}
