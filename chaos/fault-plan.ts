// The faults of one chaos run: planned up front from the seed (what, when, how long), then carried out on their
// own timelines while the traffic runs. Each fault that may make our API answer 5xx records a window (start,
// end plus a grace period, and the API process it concerns or all of them); a 5xx outside every window is a
// violation.
import type { ChaosWorld } from './chaos-world.js';
import type { StopMode } from './postgres-cluster.js';
import type { SeededRandom } from './seeded-random.js';

export type PlannedFault =
  | { kind: 'kill'; at: number; slot: string; downMs: number }
  | { kind: 'database_restart'; at: number; mode: StopMode; downMs: number }
  | { kind: 'terminate_backends'; at: number }
  | { kind: 'stripe_fault'; at: number; durationMs: number; fault: Record<string, unknown> }
  | { kind: 'webhook_fault'; at: number; durationMs: number; fault: Record<string, unknown> }
  | { kind: 'clock_advance'; at: number; seconds: number };

export interface FaultWindow {
  kind: PlannedFault['kind'];
  /** An API process's name, or `all`. */
  scope: string;
  start: number;
  end: number;
}

export interface FaultFigures {
  kills: number;
  killsBySlot: Record<string, number>;
  databaseRestarts: number;
  backendTerminations: number;
  backendsTerminated: number;
  stripeFaults: number;
  webhookFaults: number;
  clockAdvances: number;
  /** Faults that could not be carried out (e.g. pg_terminate_backend while the database was down). */
  skipped: number;
}

export interface FaultRates {
  /** Mean milliseconds between two SIGKILLs. */
  killEveryMs: number;
  databaseRestarts: number;
  backendTerminations: number;
  stripeFaults: number;
  webhookFaults: number;
  clockAdvances: number;
}

const GRACE_MS = 5000;
const DAY = 24 * 3600;

/** The whole plan of a run of `durationMs`, from the seed alone; times are offsets from the start. */
export function planFaults(
  random: SeededRandom,
  durationMs: number,
  slots: string[],
  rates: FaultRates,
): PlannedFault[] {
  const plan: PlannedFault[] = [];
  const within = (margin: number) => random.integer(1000, Math.max(1001, durationMs - margin));
  for (
    let at = random.integer(1000, rates.killEveryMs);
    at < durationMs - 1000;
    at += random.integer(rates.killEveryMs / 2, (rates.killEveryMs * 3) / 2)
  ) {
    plan.push({ kind: 'kill', at, slot: random.pick(slots), downMs: random.integer(0, 1500) });
  }
  for (let index = 0; index < rates.databaseRestarts; index += 1) {
    plan.push({
      kind: 'database_restart',
      at: within(4000),
      mode: random.pick(['immediate', 'fast'] as const),
      downMs: random.integer(300, 3000),
    });
  }
  for (let index = 0; index < rates.backendTerminations; index += 1)
    plan.push({ kind: 'terminate_backends', at: within(1000) });
  for (let index = 0; index < rates.stripeFaults; index += 1) {
    const type = random.pick(['error', 'latency', 'drop'] as const);
    const endpoint = random.pick([
      '*',
      'GET /v1/checkout/sessions/:id',
      'POST /v1/customers',
      'POST /v1/checkout/sessions',
      'GET /v1/subscriptions/:id',
      'POST /v1/refunds',
    ]);
    const fault: Record<string, unknown> =
      type === 'error'
        ? { type, endpoint, status: random.pick([500, 502, 503]), probability: 0.5 }
        : type === 'latency'
          ? { type, endpoint, latency_ms: random.integer(200, 1500) }
          : { type, endpoint, phase: random.pick(['before', 'after']), probability: 0.3 };
    plan.push({ kind: 'stripe_fault', at: within(6000), durationMs: random.integer(2000, 5000), fault });
  }
  for (let index = 0; index < rates.webhookFaults; index += 1) {
    const type = random.pick(['duplicate', 'reorder', 'delay'] as const);
    const fault: Record<string, unknown> =
      type === 'duplicate'
        ? { type, probability: 0.5 }
        : type === 'reorder'
          ? { type, window_ms: random.integer(100, 500) }
          : { type, delay_ms: random.integer(200, 3000), probability: 0.3 };
    plan.push({ kind: 'webhook_fault', at: within(4000), durationMs: random.integer(3000, 10_000), fault });
  }
  for (let index = 0; index < rates.clockAdvances; index += 1) {
    plan.push({ kind: 'clock_advance', at: within(3000), seconds: 31 * DAY });
  }
  return plan.sort((first, second) => first.at - second.at);
}

export function emptyFaultFigures(): FaultFigures {
  return {
    kills: 0,
    killsBySlot: {},
    databaseRestarts: 0,
    backendTerminations: 0,
    backendsTerminated: 0,
    stripeFaults: 0,
    webhookFaults: 0,
    clockAdvances: 0,
    skipped: 0,
  };
}

const sleepUntil = (time: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, time - Date.now())));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Carries the plan out from `startedAt`: one timeline per kind of fault (a database restart never overlaps
 * another), the kinds overlapping each other. Resolves when every fault is over and undone.
 */
export async function executeFaults(
  world: ChaosWorld,
  plan: PlannedFault[],
  startedAt: number,
  figures: FaultFigures,
  windows: FaultWindow[],
  durationMs: number,
): Promise<void> {
  const timelines = new Map<string, PlannedFault[]>();
  for (const fault of plan) {
    const line = fault.kind === 'kill' ? `kill:${fault.slot}` : fault.kind;
    timelines.set(line, [...(timelines.get(line) ?? []), fault]);
  }
  const window = (kind: PlannedFault['kind'], scope: string, start: number): FaultWindow => {
    const entry = { kind, scope, start, end: Number.POSITIVE_INFINITY };
    windows.push(entry);
    return entry;
  };
  const close = (entry: FaultWindow, extraMs = GRACE_MS) => (entry.end = Date.now() + extraMs);

  async function carryOut(fault: PlannedFault): Promise<void> {
    switch (fault.kind) {
      case 'kill': {
        const slot = world.slots.find((candidate) => candidate.name === fault.slot)!;
        if (slot.pid() === undefined) {
          figures.skipped += 1;
          return;
        }
        const entry = slot.kind === 'api' ? window('kill', slot.name, Date.now()) : undefined;
        await slot.kill();
        figures.kills += 1;
        figures.killsBySlot[slot.name] = (figures.killsBySlot[slot.name] ?? 0) + 1;
        await sleep(fault.downMs);
        await slot.start();
        await slot.waitUntilUp(180_000).catch(() => undefined);
        if (entry !== undefined) close(entry, 2000);
        return;
      }
      case 'database_restart': {
        const entry = window('database_restart', 'all', Date.now());
        await world.postgres.stop(fault.mode);
        await sleep(fault.downMs);
        await world.postgres.start();
        figures.databaseRestarts += 1;
        close(entry);
        return;
      }
      case 'terminate_backends': {
        const entry = window('terminate_backends', 'all', Date.now());
        try {
          figures.backendsTerminated += await world.postgres.terminateBackends();
          figures.backendTerminations += 1;
        } catch {
          figures.skipped += 1;
        }
        close(entry);
        return;
      }
      case 'stripe_fault': {
        const entry = window('stripe_fault', 'all', Date.now());
        const id = await world.emulator.addFault(fault.fault);
        figures.stripeFaults += 1;
        await sleep(fault.durationMs);
        await world.emulator.removeFault(id).catch(() => undefined);
        // The circuit breaker may stay open for its reset timeout after the last failure.
        close(entry, GRACE_MS + 2000);
        return;
      }
      case 'webhook_fault': {
        const id = await world.emulator.addWebhookFault(fault.fault);
        figures.webhookFaults += 1;
        await sleep(fault.durationMs);
        await world.emulator.removeWebhookFault(id).catch(() => undefined);
        return;
      }
      case 'clock_advance': {
        // Writes go on meanwhile: Stripe (and the emulator) keep idempotency keys for 24 h of real time
        // whatever the clock says, so a retry straddling the advance still replays.
        await world.emulator.advanceClock(fault.seconds);
        figures.clockAdvances += 1;
        return;
      }
    }
  }

  await Promise.all(
    [...timelines.values()].map(async (line) => {
      for (const fault of line) {
        // A slow restart may push a timeline past the end of the traffic: what is left is skipped, not queued.
        if (Date.now() > startedAt + durationMs) {
          figures.skipped += 1;
          continue;
        }
        await sleepUntil(startedAt + fault.at);
        await carryOut(fault);
      }
    }),
  );
}

/** Whether a response at `time` from the API process `api` falls in a fault window. */
export function inFaultWindow(windows: FaultWindow[], time: number, api: string): boolean {
  return windows.some(
    (entry) =>
      (entry.scope === 'all' || entry.scope === api) && time >= entry.start - 250 && time <= entry.end,
  );
}
