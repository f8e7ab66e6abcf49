// The event log: every state change is stored as an `event` object and handed to webhook delivery.
import type { Clock } from './clock.js';
import { newId } from './ids.js';
import { currentRequest } from './request-context.js';
import type { EmulatorState, StripeObject } from './store.js';

export interface StripeEvent extends StripeObject {
  object: 'event';
  api_version: string;
  created: number;
  data: { object: StripeObject; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface EmitOptions {
  /** The keys that changed with their old values (`data.previous_attributes` on `*.updated`). */
  previousAttributes?: Record<string, unknown>;
  /** Event time; defaults to the global clock. Events caused by a test clock advance use the clock's frozen time. */
  created?: number;
}

export type EventListener = (event: StripeEvent) => void;

/**
 * The event log: every state change a resource makes is announced here, stored as an `event` object (listable
 * through /v1/events) and handed to listeners (the webhook sender). The payload is a snapshot, so later changes to
 * the object never leak into an already emitted event.
 */
export class EventLog {
  private readonly listeners: EventListener[] = [];
  /** Global-clock time each event was recorded at; differs from `created` for events of a test clock. */
  private readonly recorded = new WeakMap<StripeEvent, number>();

  constructor(
    private readonly state: EmulatorState,
    private readonly clock: Clock,
    private readonly apiVersion: string,
  ) {}

  subscribe(listener: EventListener): void {
    this.listeners.push(listener);
  }

  emit(type: string, object: StripeObject, options: EmitOptions = {}): StripeEvent {
    const request = currentRequest();
    const event: StripeEvent = {
      id: newId('evt'),
      object: 'event',
      api_version: this.apiVersion,
      created: options.created ?? this.clock.now(),
      data: {
        object: structuredClone(object),
        ...(options.previousAttributes
          ? { previous_attributes: structuredClone(options.previousAttributes) }
          : {}),
      },
      livemode: false,
      pending_webhooks: 0,
      request: { id: request?.id ?? null, idempotency_key: request?.idempotencyKey ?? null },
      type,
    };
    this.state.table<StripeEvent>('event').insert(event);
    this.recorded.set(event, this.clock.now());
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /**
   * When the emulator recorded an event, on the global clock. An event caused by a test clock carries the clock's
   * time in `created` (months away, possibly), but its age for Stripe's 30-day listing window counts from here.
   */
  recordedAt(event: StripeEvent): number {
    return this.recorded.get(event) ?? event.created;
  }
}

/** The keys of `before` whose values differ in `after`, with their old values: Stripe's `previous_attributes`. */
export function previousAttributes(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed[key] = before[key] ?? null;
  }
  return changed;
}
