// Which clock an object lives on (a test clock or the global one), reading it and emitting events at its time.
import type { EmulatorContext } from '../core/context.js';
import type { StripeObject } from '../core/store.js';
import { customers } from '../resources/customer-object.js';

/**
 * Which clock an object lives on: a test clock id, or null for the global emulator clock. Objects of a customer
 * created with `test_clock` read that clock's `frozen_time`; everything else reads `context.clock`.
 * While the time engine processes due work, "now" on the clock being advanced is the due moment of the work at hand,
 * so every timestamp and event it writes carries the moment the work was due, not the advance's target.
 */
export type ClockId = string | null;

export interface TestClock extends StripeObject {
  object: 'test_helpers.test_clock';
  created: number;
  deletes_after: number;
  frozen_time: number;
  livemode: false;
  name: string | null;
  status: 'ready' | 'advancing' | 'internal_failure';
  status_details: Record<string, unknown>;
}

const processingMoments = new WeakMap<EmulatorContext, Map<ClockId, number>>();

function momentsOf(context: EmulatorContext): Map<ClockId, number> {
  let moments = processingMoments.get(context);
  if (!moments) {
    moments = new Map();
    processingMoments.set(context, moments);
  }
  return moments;
}

export function testClocks(context: EmulatorContext) {
  return context.state.table<TestClock>('test_helpers.test_clock');
}

/** Unix seconds on a clock. */
export function nowOn(context: EmulatorContext, clockId: ClockId): number {
  const moment = momentsOf(context).get(clockId);
  if (moment !== undefined) return moment;
  if (clockId === null) return context.clock.now();
  const clock = testClocks(context).find(clockId);
  return clock ? clock.frozen_time : context.clock.now();
}

/** Runs `work` with "now" on `clockId` pinned to `moment` (the time engine's current due moment). */
export function atMoment<T>(context: EmulatorContext, clockId: ClockId, moment: number, work: () => T): T {
  const moments = momentsOf(context);
  const previous = moments.get(clockId);
  moments.set(clockId, moment);
  try {
    return work();
  } finally {
    if (previous === undefined) moments.delete(clockId);
    else moments.set(clockId, previous);
  }
}

export function clockOfCustomer(context: EmulatorContext, customerId: string | null | undefined): ClockId {
  if (!customerId) return null;
  return customers(context).find(customerId)?.test_clock ?? null;
}

export function nowForCustomer(context: EmulatorContext, customerId: string | null | undefined): number {
  return nowOn(context, clockOfCustomer(context, customerId));
}

/** Emits an event stamped with the time of the clock the object lives on. */
export function emitOn(
  context: EmulatorContext,
  clockId: ClockId,
  type: string,
  object: StripeObject,
  previousAttributes?: Record<string, unknown>,
): void {
  context.events.emit(type, object, {
    created: nowOn(context, clockId),
    ...(previousAttributes && Object.keys(previousAttributes).length > 0 ? { previousAttributes } : {}),
  });
}
