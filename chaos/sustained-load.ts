// `npm run chaos -- --load`: the chaos mix without faults, open loop at a fixed rate near this machine's capacity
// for --load-minutes, with a 10x spike for --spike-seconds at 60 % of the run. Reports throughput, errors and
// p50/p99 per route per interval (drift), and the resident memory of every process over time (growth).
// Nothing here is asserted: the figures are for the README and docs/benchmarks.md.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createBillingClient, type ResponseRecord } from './billing-client.js';
import type { ChaosOptions } from './chaos-options.js';
import { startChaosWorld, type ChaosWorld } from './chaos-world.js';
import { seededRandom, type SeededRandom } from './seeded-random.js';
import { prepareBuild, residentBytesOf } from './service-processes.js';
import { ACTIONS, createTraffic } from './traffic.js';

/** Share of operations that are entitlement checks; the rest are the buyers' actions. */
const ENTITLEMENT_SHARE = 0.9;
const MAX_IN_FLIGHT = 1000;
const CALIBRATION_SECONDS = 20;
const CALIBRATION_CONCURRENCY = 32;

interface Interval {
  startSecond: number;
  phase: 'sustained' | 'spike';
  latencies: Map<string, number[]>;
  statuses: Record<string, number>;
  operations: number;
  shed: number;
}

const percentile = (values: number[], quantile: number): number => {
  if (values.length === 0) return 0;
  const ordered = [...values].sort((first, second) => first - second);
  return ordered[Math.min(ordered.length - 1, Math.floor(quantile * ordered.length))]!;
};
const megabytes = (bytes: number | undefined) =>
  bytes === undefined ? '-' : `${Math.round(bytes / 1_048_576)}`;

export async function runSustainedLoad(options: ChaosOptions, log: (line: string) => void): Promise<number> {
  prepareBuild(options.build);
  const redisUrl = process.env.REDIS_URL ?? process.env.TEST_REDIS_URL;
  const loadAtStart = loadavg();
  const world = await startChaosWorld({ build: options.build, redisUrl, apiLogLevel: 'warn' });
  try {
    return await measure(world, options, log, loadAtStart);
  } finally {
    await world.close();
  }
}

async function measure(
  world: ChaosWorld,
  options: ChaosOptions,
  log: (line: string) => void,
  loadAtStart: number[],
): Promise<number> {
  const random = seededRandom(options.seed);
  const recorder: { sink?: (record: ResponseRecord) => void } = {};
  const client = createBillingClient({
    apis: world.apis,
    apiKey: world.apiKey,
    onResponse: (record) => recorder.sink?.(record),
  });
  const traffic = createTraffic({ client, emulator: world.emulator, seed: options.seed });
  const operation = (stream: SeededRandom) =>
    stream.chance(ENTITLEMENT_SHARE)
      ? traffic.checkEntitlement(stream)
      : traffic.performAction(stream, stream.weighted(ACTIONS)).then(() => undefined);

  // Customers with purchases to check entitlements of.
  log('load: creating 60 customers with purchases');
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      const stream = random.fork();
      for (let index = 0; index < 10; index += 1) {
        await traffic.performAction(stream, 'new_customer');
        await traffic.performAction(stream, stream.pick(['one_time', 'subscription', 'cart'] as const));
      }
    }),
  );

  let rate = options.rate;
  let capacity: number | undefined;
  if (rate === undefined) {
    let done = 0;
    const until = Date.now() + CALIBRATION_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CALIBRATION_CONCURRENCY }, async () => {
        const stream = random.fork();
        while (Date.now() < until) {
          await operation(stream);
          done += 1;
        }
      }),
    );
    capacity = done / CALIBRATION_SECONDS;
    rate = Math.max(1, Math.round(capacity * 0.8));
    log(
      `load: measured capacity ${capacity.toFixed(0)} operations/s (closed loop, ${CALIBRATION_CONCURRENCY} at once); sustained rate ${rate}/s`,
    );
  }

  const totalSeconds = options.loadMinutes * 60 + options.spikeSeconds;
  const spikeStart = Math.round(options.loadMinutes * 60 * 0.6);
  const intervalSeconds = Math.max(10, Math.round(totalSeconds / 20));
  const intervals: Interval[] = [];
  const current = (second: number): Interval => {
    const index = Math.floor(second / intervalSeconds);
    while (intervals.length <= index) {
      const startSecond = intervals.length * intervalSeconds;
      intervals.push({
        startSecond,
        phase: 'sustained',
        latencies: new Map(),
        statuses: {},
        operations: 0,
        shed: 0,
      });
    }
    return intervals[index]!;
  };
  const started = Date.now();
  const secondNow = () => (Date.now() - started) / 1000;
  recorder.sink = (record) => {
    const interval = current((record.startedAt - started) / 1000);
    const list = interval.latencies.get(record.route) ?? [];
    list.push(record.latencyMs);
    interval.latencies.set(record.route, list);
    const key = record.status === 0 ? 'dropped' : `${Math.floor(record.status / 100)}xx`;
    interval.statuses[key] = (interval.statuses[key] ?? 0) + 1;
  };

  const processes = () => [
    ...world.slots.map((slot) => ({ name: slot.name, pid: slot.pid() })),
    { name: 'emulator', pid: world.emulatorPid },
    { name: 'harness', pid: process.pid },
  ];
  const memory: Array<{ second: number; rss: Record<string, number | undefined> }> = [];
  const sampleMemory = () =>
    memory.push({
      second: Math.round(secondNow()),
      rss: Object.fromEntries(processes().map(({ name, pid }) => [name, residentBytesOf(pid)])),
    });
  sampleMemory();
  const sampler = setInterval(sampleMemory, 5000);

  log(
    `load: ${options.loadMinutes} min at ${rate}/s with a ${options.spikeSeconds} s spike at ${rate * 10}/s from second ${spikeStart}; load average ${loadAtStart.map((value) => value.toFixed(2)).join(' ')}`,
  );
  let issued = 0;
  let inFlight = 0;
  const streams = Array.from({ length: 64 }, () => random.fork());
  let issuedInPhase = 0;
  let phaseStarted = started;
  let phase: Interval['phase'] = 'sustained';
  const pending = new Set<Promise<void>>();
  while (secondNow() < totalSeconds) {
    const second = secondNow();
    const nextPhase: Interval['phase'] =
      second >= spikeStart && second < spikeStart + options.spikeSeconds ? 'spike' : 'sustained';
    if (nextPhase !== phase) {
      phase = nextPhase;
      phaseStarted = Date.now();
      issuedInPhase = 0;
    }
    const phaseRate = phase === 'spike' ? rate * 10 : rate;
    const due = Math.floor(((Date.now() - phaseStarted) / 1000) * phaseRate) - issuedInPhase;
    for (let index = 0; index < due; index += 1) {
      issuedInPhase += 1;
      const interval = current(second);
      if (phase === 'spike') interval.phase = 'spike';
      if (inFlight >= MAX_IN_FLIGHT) {
        interval.shed += 1;
        continue;
      }
      interval.operations += 1;
      inFlight += 1;
      issued += 1;
      const task = operation(streams[issued % streams.length]!)
        .catch(() => undefined)
        .finally(() => {
          inFlight -= 1;
          pending.delete(task);
        });
      pending.add(task);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(pending);
  clearInterval(sampler);
  sampleMemory();
  const loadAtEnd = loadavg();

  // The report.
  const routes = [...new Set(intervals.flatMap((interval) => [...interval.latencies.keys()]))].sort();
  log(
    `\nload: ${issued} operations in ${totalSeconds} s (target ${rate}/s sustained, ${rate * 10}/s spike); load average at the end ${loadAtEnd.map((value) => value.toFixed(2)).join(' ')}`,
  );
  log(
    'interval  phase      ops/s  req/s  2xx     4xx   5xx   dropped shed   ' + 'entitlement check p50/p99 ms',
  );
  for (const interval of intervals) {
    const requests = Object.values(interval.statuses).reduce((sum, count) => sum + count, 0);
    const check = interval.latencies.get('GET /v1/entitlements/:id/:feature') ?? [];
    log(
      `${String(interval.startSecond).padStart(5)} s   ${interval.phase.padEnd(9)} ${String(Math.round(interval.operations / intervalSeconds)).padStart(6)} ${String(Math.round(requests / intervalSeconds)).padStart(6)}  ` +
        `${String(interval.statuses['2xx'] ?? 0).padEnd(7)} ${String(interval.statuses['4xx'] ?? 0).padEnd(5)} ${String(interval.statuses['5xx'] ?? 0).padEnd(5)} ${String(interval.statuses.dropped ?? 0).padEnd(7)} ${String(interval.shed).padEnd(6)} ` +
        `${percentile(check, 0.5).toFixed(1)} / ${percentile(check, 0.99).toFixed(1)}`,
    );
  }
  log('\nroute (p50 / p99 ms per interval: first, middle, spike, last)');
  const spikeInterval = intervals.find((interval) => interval.phase === 'spike');
  const middle = intervals[Math.floor(intervals.length / 3)];
  const perRoute: Record<string, unknown> = {};
  for (const route of routes) {
    const cells = [intervals[0], middle, spikeInterval, intervals[intervals.length - 1]].map((interval) => {
      const values = interval?.latencies.get(route) ?? [];
      return `${percentile(values, 0.5).toFixed(0)}/${percentile(values, 0.99).toFixed(0)}`;
    });
    const all = intervals.flatMap((interval) => interval.latencies.get(route) ?? []);
    perRoute[route] = {
      count: all.length,
      p50: percentile(all, 0.5),
      p99: percentile(all, 0.99),
      intervals: intervals.map((interval) => ({
        second: interval.startSecond,
        p50: percentile(interval.latencies.get(route) ?? [], 0.5),
        p99: percentile(interval.latencies.get(route) ?? [], 0.99),
      })),
    };
    log(`  ${route.padEnd(44)} n=${String(all.length).padEnd(7)} ${cells.join('  ')}`);
  }
  log('\nresident memory MB (first sample, after 1 min, at the end, max)');
  const names = processes().map(({ name }) => name);
  const afterMinute = memory.find((sample) => sample.second >= 60) ?? memory[0];
  for (const name of names) {
    const values = memory
      .map((sample) => sample.rss[name])
      .filter((value): value is number => value !== undefined);
    log(
      `  ${name.padEnd(10)} ${megabytes(memory[0]?.rss[name]).padStart(5)} ${megabytes(afterMinute?.rss[name]).padStart(5)} ${megabytes(memory[memory.length - 1]?.rss[name]).padStart(5)} ${megabytes(Math.max(...values)).padStart(5)}`,
    );
  }
  if (options.report !== undefined) {
    writeFileSync(
      options.report,
      `${JSON.stringify(
        {
          rate,
          capacity,
          loadAtStart,
          loadAtEnd,
          intervalSeconds,
          intervals: intervals.map((interval) => ({ ...interval, latencies: undefined })),
          perRoute,
          memory,
        },
        null,
        2,
      )}\n`,
    );
  }
  return 0;
}
