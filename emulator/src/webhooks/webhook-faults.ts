// Injected webhook faults: duplicate, delay, reorder.
import { invalidRequest } from '../core/errors.js';
import { fire, firingRuleFrom, type FiringRule } from '../core/faults.js';
import { newId } from '../core/ids.js';

export type WebhookFaultType = 'duplicate' | 'delay' | 'reorder';

/**
 * A fault on webhook delivery: `duplicate` sends an event twice, `delay` holds its first attempt for `delay_ms`,
 * `reorder` collects deliveries for `window_ms` and sends them in shuffled order. Optional filters narrow it to one
 * endpoint (`we_…` id or URL) and event types (`customer.*` style pattern).
 */
export interface WebhookFault extends FiringRule {
  id: string;
  type: WebhookFaultType;
  endpoint: string | null;
  event_type: string | null;
  delay_ms: number | null;
  window_ms: number | null;
}

export interface WebhookFaultInput {
  type: WebhookFaultType;
  endpoint?: string;
  event_type?: string;
  delay_ms?: number;
  window_ms?: number;
  probability?: number;
  count?: number;
}

export class WebhookFaults {
  private faults: WebhookFault[] = [];

  add(input: WebhookFaultInput | Record<string, unknown>): WebhookFault {
    const body = input as unknown as Record<string, unknown>;
    const type = body.type;
    if (type !== 'duplicate' && type !== 'delay' && type !== 'reorder') {
      throw invalidRequest('type must be one of duplicate, delay, reorder.', 'type');
    }
    const fault: WebhookFault = {
      id: newId('whfault', 14),
      type,
      endpoint: optionalText(body.endpoint, 'endpoint'),
      event_type: optionalText(body.event_type, 'event_type'),
      delay_ms: type === 'delay' ? milliseconds(body.delay_ms, 'delay_ms') : null,
      window_ms: type === 'reorder' ? milliseconds(body.window_ms ?? 200, 'window_ms') : null,
      ...firingRuleFrom(body),
    };
    this.faults.push(fault);
    return fault;
  }

  list(): WebhookFault[] {
    return [...this.faults];
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault of `type` that applies to this delivery and fires. */
  take(
    type: WebhookFaultType,
    endpoint: { id: string; url: string },
    eventType: string,
  ): WebhookFault | undefined {
    for (const fault of this.faults) {
      if (fault.type !== type) continue;
      if (fault.endpoint !== null && fault.endpoint !== endpoint.id && fault.endpoint !== endpoint.url)
        continue;
      if (fault.event_type !== null && !matchesEventType(fault.event_type, eventType)) continue;
      if (!fire(fault)) continue;
      if (fault.remaining === 0) this.remove(fault.id);
      return fault;
    }
    return undefined;
  }
}

/** `*`, an exact type, or a prefix wildcard such as `customer.*` / `customer.subscription.*`. */
export function matchesEventType(pattern: string, type: string): boolean {
  if (pattern === '*' || pattern === type) return true;
  return pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1));
}

function optionalText(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value === '') throw invalidRequest(`${name} must be a string.`, name);
  return value;
}

function milliseconds(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalidRequest(`${name} must be a non-negative integer (milliseconds).`, name);
  }
  return value;
}

/** The deliveries a reorder fault held, in random order. */
export function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}
