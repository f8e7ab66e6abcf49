// Billing meters and their meter events: recording usage (deduplicated by identifier) and aggregating it over time.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { sideData, type StripeObject } from '../core/store.js';

export type MeterFormula = 'sum' | 'count' | 'last';

export interface Meter extends StripeObject {
  object: 'billing.meter';
  created: number;
  customer_mapping: { event_payload_key: string; type: 'by_id' };
  default_aggregation: { formula: MeterFormula };
  display_name: string;
  event_name: string;
  event_time_window: 'day' | 'hour' | null;
  status: 'active' | 'inactive';
  status_transitions: { deactivated_at: number | null };
  updated: number;
  value_settings: { event_payload_key: string };
}

/** The meter event as the API answers it. */
export interface MeterEvent {
  object: 'billing.meter_event';
  created: number;
  event_name: string;
  identifier: string;
  livemode: false;
  payload: Record<string, string>;
  timestamp: number;
}

/**
 * A recorded event with what Stripe works out asynchronously: the meter it counts for (the active meter of its
 * `event_name` when it arrived; none leaves it uncounted, as Stripe reports such events only in a meter error
 * report) and whether its adjustment cancelled it.
 */
interface RecordedEvent {
  event: MeterEvent;
  meter: string | null;
  cancelled: boolean;
}

/** Seconds a meter event's identifier stays taken (Stripe: "a rolling period of at least 24 hours"). */
export const IDENTIFIER_WINDOW_SECONDS = 24 * 3600;

const recordedEvents = sideData('meter_events', () => new Map<string, RecordedEvent>());

export function meters(context: EmulatorContext) {
  return context.state.table<Meter>('billing.meter');
}

export function activeMeterFor(context: EmulatorContext, eventName: string): Meter | undefined {
  return meters(context).list((meter) => meter.status === 'active' && meter.event_name === eventName)[0];
}

/**
 * Records a meter event. An identifier seen within the last 24 hours is refused with Stripe's 400 ("An event
 * already exists with identifier …"), so a retried report is never counted twice.
 */
export function recordMeterEvent(
  context: EmulatorContext,
  event: MeterEvent,
  receivedAt: number,
): MeterEvent {
  const events = recordedEvents(context);
  const earlier = events.get(event.identifier);
  if (earlier && receivedAt - earlier.event.created < IDENTIFIER_WINDOW_SECONDS) {
    throw invalidRequest(`An event already exists with identifier ${event.identifier}.`, 'identifier');
  }
  events.delete(event.identifier);
  events.set(event.identifier, {
    event,
    meter: activeMeterFor(context, event.event_name)?.id ?? null,
    cancelled: false,
  });
  return event;
}

/** `POST /v1/billing/meter_event_adjustments` with `type=cancel`: the event stops counting. */
export function cancelMeterEvent(context: EmulatorContext, eventName: string, identifier: string): boolean {
  const recorded = recordedEvents(context).get(identifier);
  if (!recorded || recorded.event.event_name !== eventName) return false;
  recorded.cancelled = true;
  return true;
}

/**
 * The meter's aggregation of one customer's events with `start ≤ timestamp < end`: the sum of their values, their
 * count, or the value of the latest (by timestamp, then arrival). Events whose value is not a number count for
 * `count` only (Stripe rejects them asynchronously for the others).
 */
export function aggregateUsage(
  context: EmulatorContext,
  meter: Meter,
  customerId: string,
  start: number,
  end: number,
): number {
  const customerKey = meter.customer_mapping.event_payload_key;
  const valueKey = meter.value_settings.event_payload_key;
  const matching = [...recordedEvents(context).values()].filter(
    (recorded) =>
      !recorded.cancelled &&
      recorded.meter === meter.id &&
      recorded.event.payload[customerKey] === customerId &&
      recorded.event.timestamp >= start &&
      recorded.event.timestamp < end,
  );
  const formula = meter.default_aggregation.formula;
  if (formula === 'count') return matching.length;
  const valued = matching
    .map((recorded) => ({ at: recorded.event.timestamp, value: Number(recorded.event.payload[valueKey]) }))
    .filter((entry) => Number.isFinite(entry.value));
  if (formula === 'last') {
    let latest: { at: number; value: number } | undefined;
    for (const entry of valued) if (!latest || entry.at >= latest.at) latest = entry;
    return latest?.value ?? 0;
  }
  // Sum in fixed decimals: 0.1 + 0.2 reads 0.3, as Stripe's decimal arithmetic gives.
  return Number(valued.reduce((sum, entry) => sum + entry.value, 0).toFixed(12));
}
