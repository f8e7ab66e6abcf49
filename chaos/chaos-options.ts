// The command line of `npm run chaos`: seeds, duration, the fault rates, the sustained-load mode's shape.
import { parseArgs } from 'node:util';
import type { FaultRates } from './fault-plan.js';
import type { ServiceBuild } from './service-processes.js';

export const USAGE = `Usage: npm run chaos -- [options]

Seeded load-and-fault runs against two API and two worker processes (see README, "Chaos runs").
  --seed N             first seed (default 1); a failing run names its seed
  --seeds N            consecutive seeds to run (default 1)
  --duration S         seconds of traffic and faults per seed (default 60)
  --buyers N           concurrent buyer loops (default 4)
  --kill-every S       mean seconds between two SIGKILLs (default 4)
  --db-restarts N      database restarts per seed (default 2)
  --terminations N     pg_terminate_backend rounds per seed (default 3)
  --stripe-faults N    Stripe 5xx / latency / dropped-connection windows per seed (default 3)
  --webhook-faults N   webhook duplicate / reorder / delay windows per seed (default 4)
  --clock-advances N   31-day clock advances (renewals) per seed (default 2)
  --build dist|source  run the compiled service (default) or the TypeScript under tsx
  --report FILE        also write the figures as JSON
  --load               sustained-load mode instead of seeds (no faults)
  --load-minutes M     sustained phase length (default 10)
  --spike-seconds S    the 10x spike's length (default 30)
  --rate R             requests/s of the sustained phase (default: 80% of a measured capacity)
`;

export interface ChaosOptions {
  seed: number;
  seeds: number;
  durationMs: number;
  buyers: number;
  rates: FaultRates;
  build: ServiceBuild;
  report: string | undefined;
  load: boolean;
  loadMinutes: number;
  spikeSeconds: number;
  rate: number | undefined;
}

const number = (value: string | undefined, name: string, fallback: number): number => {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0)
    throw new Error(`--${name} must be a non-negative number, got "${value}"`);
  return parsed;
};

export function parseChaosOptions(args: string[]): ChaosOptions | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      seed: { type: 'string' },
      seeds: { type: 'string' },
      duration: { type: 'string' },
      buyers: { type: 'string' },
      'kill-every': { type: 'string' },
      'db-restarts': { type: 'string' },
      terminations: { type: 'string' },
      'stripe-faults': { type: 'string' },
      'webhook-faults': { type: 'string' },
      'clock-advances': { type: 'string' },
      build: { type: 'string' },
      report: { type: 'string' },
      load: { type: 'boolean' },
      'load-minutes': { type: 'string' },
      'spike-seconds': { type: 'string' },
      rate: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  const build = values.build ?? 'dist';
  if (build !== 'dist' && build !== 'source') throw new Error('--build must be dist or source');
  return {
    seed: Math.floor(number(values.seed, 'seed', 1)),
    seeds: Math.max(1, Math.floor(number(values.seeds, 'seeds', 1))),
    durationMs: number(values.duration, 'duration', 60) * 1000,
    buyers: Math.max(1, Math.floor(number(values.buyers, 'buyers', 4))),
    rates: {
      killEveryMs: Math.max(500, number(values['kill-every'], 'kill-every', 4) * 1000),
      databaseRestarts: Math.floor(number(values['db-restarts'], 'db-restarts', 2)),
      backendTerminations: Math.floor(number(values.terminations, 'terminations', 3)),
      stripeFaults: Math.floor(number(values['stripe-faults'], 'stripe-faults', 3)),
      webhookFaults: Math.floor(number(values['webhook-faults'], 'webhook-faults', 4)),
      clockAdvances: Math.floor(number(values['clock-advances'], 'clock-advances', 2)),
    },
    build,
    report: values.report,
    load: values.load === true,
    loadMinutes: number(values['load-minutes'], 'load-minutes', 10),
    spikeSeconds: number(values['spike-seconds'], 'spike-seconds', 30),
    rate: values.rate === undefined ? undefined : number(values.rate, 'rate', 0),
  };
}
