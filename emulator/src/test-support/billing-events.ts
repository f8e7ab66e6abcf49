// Test helpers reading the emulator's event table for assertions on event order.
import type { StripeEvent } from '../core/events.js';
import type { RunningEmulator } from '../index.js';

/**
 * Reads the emulator's event table (what /v1/events lists) for assertions on event order. Events are stored in
 * emission order; `Table.list` is newest first, so this reverses it.
 */
export function eventsSince(emulator: RunningEmulator, marker?: string): StripeEvent[] {
  const oldestFirst = emulator.context.state.table<StripeEvent>('event').list().reverse();
  if (!marker) return oldestFirst;
  const index = oldestFirst.findIndex((event) => event.id === marker);
  return index < 0 ? oldestFirst : oldestFirst.slice(index + 1);
}

export function eventTypesSince(emulator: RunningEmulator, marker?: string): string[] {
  return eventsSince(emulator, marker).map((event) => event.type);
}

/** The newest event's id: pass it to `eventsSince` to read what a step emitted. */
export function eventMarker(emulator: RunningEmulator): string | undefined {
  return emulator.context.state.table<StripeEvent>('event').list()[0]?.id;
}
