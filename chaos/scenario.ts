// One seeded chaos scenario: a fresh world, the seed's traffic and fault plan for `durationMs`, then the faults
// undone, the processes up, the webhooks and the inbox drained, and the invariants checked (again for a while
// if they have not converged yet: a late delivery or an entitlement notification may still be on its way).
import { rm } from 'node:fs/promises';
import { createBillingClient, type ResponseRecord } from './billing-client.js';
import { startChaosWorld, type ChaosWorld } from './chaos-world.js';
import {
  emptyFaultFigures,
  executeFaults,
  inFaultWindow,
  planFaults,
  type FaultFigures,
  type FaultRates,
  type FaultWindow,
} from './fault-plan.js';
import { checkInvariants, type Violation } from './invariants.js';
import { seededRandom } from './seeded-random.js';
import type { ServiceBuild } from './service-processes.js';
import { collectSnapshot } from './state-snapshot.js';
import { createTraffic, type TrafficFigures } from './traffic.js';

export interface ScenarioOptions {
  seed: number;
  durationMs: number;
  build: ServiceBuild;
  redisUrl: string | undefined;
  buyers: number;
  rates: FaultRates;
  log: (line: string) => void;
}

export interface ScenarioResult {
  seed: number;
  violations: Violation[];
  faults: FaultFigures;
  traffic: TrafficFigures;
  requests: number;
  statuses: Record<string, number>;
  eventsStored: number;
  eventsRetried: number;
  duplicateDeliveries: number;
  /** Webhook delivery attempts by the receiver's status (or the transport error). */
  deliveryOutcomes: Record<string, number>;
  customers: number;
  /** Customers whose creation was not acknowledged during the run, completed by asking again after it. */
  customersCompletedAfter: number;
  seconds: number;
  logFolder: string;
}

const CONVERGENCE_ATTEMPTS = 10;

async function settle(world: ChaosWorld, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const idle = await world.emulator
      .waitForIdle(Math.max(100, Math.min(30_000, deadline - Date.now())))
      .catch(() => false);
    const open = await world.pool
      .query<{ count: string }>(
        `SELECT count(*) FROM stripe_events WHERE status IN ('pending', 'processing', 'failed')`,
      )
      .then(
        (result) => Number(result.rows[0]?.count),
        () => -1,
      );
    if (idle && open === 0) return;
    if (Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const world = await startChaosWorld({
    build: options.build,
    redisUrl: options.redisUrl,
    apiLogLevel: 'info',
  });
  try {
    const random = seededRandom(options.seed);
    const plan = planFaults(
      random.fork(),
      options.durationMs,
      world.slots.map((slot) => slot.name),
      options.rates,
    );
    const records: ResponseRecord[] = [];
    let stopping = false;
    const client = createBillingClient({
      apis: world.apis,
      apiKey: world.apiKey,
      onResponse: (record) => records.push(record),
      isStopping: () => stopping,
    });
    const traffic = createTraffic({ client, emulator: world.emulator, seed: options.seed });
    const figures = emptyFaultFigures();
    const windows: FaultWindow[] = [];
    const trafficStarted = Date.now();
    const over = () => Date.now() - trafficStarted >= options.durationMs;
    const buyerStreams = Array.from({ length: options.buyers }, () => random.fork());
    const checkerStream = random.fork();
    await Promise.all([
      ...buyerStreams.map((stream) => traffic.runBuyer(stream, over, 200)),
      traffic.runEntitlementChecks(checkerStream, over, 5),
      traffic.runEntitlementChecks(checkerStream.fork(), over, 5),
      executeFaults(world, plan, trafficStarted, figures, windows, options.durationMs),
    ]);
    stopping = true;
    options.log(`  seed ${options.seed}: traffic and faults done; settling`);

    await world.emulator.clearFaults();
    for (const slot of world.slots) {
      if (slot.pid() === undefined) await slot.start();
    }
    await Promise.all(world.slots.map((slot) => slot.waitUntilUp(120_000).catch(() => undefined)));
    await settle(world, 180_000);
    const finishingClient = createBillingClient({
      apis: world.apis,
      apiKey: world.apiKey,
      onResponse: (record) => records.push(record),
    });
    const customersCompletedAfter = await traffic.completeUnfinishedCustomers(finishingClient);
    if (customersCompletedAfter > 0) await settle(world, 60_000);

    const failuresOutsideFaultWindows = records
      .filter((record) => record.status === 0 || record.status >= 500)
      .map((record) => ({ ...record, at: record.startedAt + record.latencyMs }))
      .filter((record) => !inFaultWindow(windows, record.at, record.api))
      .map(({ route, status, at, api }) => ({ route, status, at, api }));
    let violations: Violation[] = [];
    for (let attempt = 1; attempt <= CONVERGENCE_ATTEMPTS; attempt += 1) {
      const snapshot = await collectSnapshot(world, {
        acknowledgedCustomers: traffic.customers,
        failuresOutsideFaultWindows,
      });
      violations = checkInvariants(snapshot);
      if (violations.length === 0 || attempt === CONVERGENCE_ATTEMPTS) break;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await settle(world, 10_000);
    }

    const statuses: Record<string, number> = {};
    for (const record of records) {
      const key = record.status === 0 ? 'dropped' : `${Math.floor(record.status / 100)}xx`;
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
    const events = await world.pool.query<{ stored: string; retried: string }>(
      'SELECT count(*) AS stored, count(*) FILTER (WHERE attempts > 1) AS retried FROM stripe_events',
    );
    const deliveries = await world.emulator.deliveries();
    const outcomes: Record<string, number> = {};
    for (const delivery of deliveries) {
      const outcome = delivery.succeeded
        ? `${delivery.status_code}`
        : `${delivery.status_code ?? delivery.error ?? 'failed'}`;
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    return {
      seed: options.seed,
      violations,
      faults: figures,
      traffic: traffic.figures,
      requests: records.length,
      statuses,
      eventsStored: Number(events.rows[0]?.stored),
      eventsRetried: Number(events.rows[0]?.retried),
      deliveryOutcomes: outcomes,
      duplicateDeliveries: deliveries.filter(
        (delivery) => delivery.kind === 'duplicate' && delivery.attempt === 1,
      ).length,
      customers: traffic.customers.length,
      customersCompletedAfter,
      seconds: Math.round((Date.now() - started) / 1000),
      logFolder: world.logFolder,
    };
  } finally {
    await world.close();
  }
}

/** Removes a run's process logs unless it found something to look at. */
export async function discardLogsIfClean(result: ScenarioResult): Promise<void> {
  if (result.violations.length === 0) await rm(result.logFolder, { recursive: true, force: true });
}
