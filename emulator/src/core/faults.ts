// Injected API faults: their rules, validation and firing.
import { invalidRequest } from './errors.js';
import { newId } from './ids.js';

/**
 * Fault injection for tests. A fault fires with a probability (default 1) and at most `count` times (default
 * unlimited); once its count is used up it is removed. API faults apply only to `/v1/` requests; webhook faults
 * (see webhooks/webhook-faults.ts) use the same firing rules.
 */
export interface FiringRule {
  /** 0..1, the chance each matching request is affected. */
  probability: number;
  /** How many more times the fault fires; null = until cleared. */
  remaining: number | null;
  /** How many times it has fired. */
  fired: number;
}

/** `probability` and `count` from a control request body, validated. */
export function firingRuleFrom(body: Record<string, unknown>): FiringRule {
  const probability = body.probability ?? 1;
  if (typeof probability !== 'number' || !(probability >= 0 && probability <= 1)) {
    throw invalidRequest('probability must be a number between 0 and 1.', 'probability');
  }
  const count = body.count ?? null;
  if (count !== null && (typeof count !== 'number' || !Number.isInteger(count) || count < 1)) {
    throw invalidRequest('count must be a positive integer.', 'count');
  }
  return { probability, remaining: count, fired: 0 };
}

/** Consumes one firing if the dice say so; false when the fault does not fire this time. */
export function fire(rule: FiringRule): boolean {
  if (rule.remaining !== null && rule.remaining <= 0) return false;
  if (rule.probability < 1 && Math.random() >= rule.probability) return false;
  if (rule.remaining !== null) rule.remaining -= 1;
  rule.fired += 1;
  return true;
}

export type ApiFaultType = 'latency' | 'error' | 'rate_limit' | 'drop';

export interface ApiFault extends FiringRule {
  id: string;
  /** `POST /v1/checkout/sessions`, `GET /v1/customers/:id`, `/v1/prices*` (any method) or `*`. */
  endpoint: string;
  type: ApiFaultType;
  /** latency: how long to hold the request before it executes. */
  latency_ms: number | null;
  /** error: the 5xx status to answer (500 by default). */
  status: number | null;
  /**
   * drop: `before` destroys the socket before the request executes (nothing happened);
   * `after` executes the request, saves its idempotent result, then destroys the socket (the response is lost).
   */
  phase: 'before' | 'after' | null;
}

/** What a test sends to add an API fault (validated at runtime: it may come from another process as JSON). */
export interface ApiFaultInput {
  type: ApiFaultType;
  endpoint?: string;
  latency_ms?: number;
  status?: number;
  phase?: 'before' | 'after';
  probability?: number;
  count?: number;
}

/** The API faults of one emulator. */
export class ApiFaults {
  private faults: Array<{ fault: ApiFault; matches: (method: string, path: string) => boolean }> = [];

  add(input: ApiFaultInput | Record<string, unknown>): ApiFault {
    const body = input as unknown as Record<string, unknown>;
    const type = body.type;
    if (type !== 'latency' && type !== 'error' && type !== 'rate_limit' && type !== 'drop') {
      throw invalidRequest('type must be one of latency, error, rate_limit, drop.', 'type');
    }
    const endpoint = body.endpoint ?? '*';
    if (typeof endpoint !== 'string' || endpoint.trim() === '') {
      throw invalidRequest('endpoint must be a string such as "POST /v1/customers" or "*".', 'endpoint');
    }
    const fault: ApiFault = {
      id: newId('fault', 14),
      endpoint,
      type,
      latency_ms: type === 'latency' ? positiveInteger(body.latency_ms, 'latency_ms') : null,
      status: type === 'error' ? errorStatus(body.status) : null,
      phase: type === 'drop' ? dropPhase(body.phase) : null,
      ...firingRuleFrom(body),
    };
    this.faults.push({ fault, matches: compileEndpointPattern(endpoint) });
    return fault;
  }

  list(): ApiFault[] {
    return this.faults.map((entry) => entry.fault);
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((entry) => entry.fault.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault of one of `types` that matches and fires for this request, if any. */
  take(method: string, path: string, accept: (fault: ApiFault) => boolean): ApiFault | undefined {
    if (this.faults.length === 0) return undefined;
    for (const entry of this.faults) {
      if (!accept(entry.fault) || !entry.matches(method, path)) continue;
      if (!fire(entry.fault)) continue;
      if (entry.fault.remaining === 0) this.remove(entry.fault.id);
      return entry.fault;
    }
    return undefined;
  }
}

/**
 * `METHOD /path` or `/path` (any method) or `*`. In the path, `*` matches anything (slashes included) and
 * `:name` matches one path segment.
 */
export function compileEndpointPattern(pattern: string): (method: string, path: string) => boolean {
  const trimmed = pattern.trim();
  if (trimmed === '*') return () => true;
  const [first = '', second] = trimmed.split(/\s+/, 2);
  const method = second === undefined ? '*' : first.toUpperCase();
  const pathPattern = second ?? first;
  const source = pathPattern
    .split(/(\*|:[A-Za-z_][A-Za-z0-9_]*)/)
    .map((part) => {
      if (part === '*') return '.*';
      if (part.startsWith(':')) return '[^/]+';
      return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  // The pattern comes from a test's control request and is anchored, so it cannot run away.
  // eslint-disable-next-line security/detect-non-literal-regexp
  const regex = new RegExp(`^${source}/?$`);
  return (requestMethod, path) => (method === '*' || method === requestMethod) && regex.test(path);
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalidRequest(`${name} must be a non-negative integer.`, name);
  }
  return value;
}

function errorStatus(value: unknown): number {
  if (value === undefined) return 500;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 500 || value > 599) {
    throw invalidRequest('status must be a 5xx status code.', 'status');
  }
  return value;
}

function dropPhase(value: unknown): 'before' | 'after' {
  if (value === undefined) return 'before';
  if (value !== 'before' && value !== 'after')
    throw invalidRequest('phase must be before or after.', 'phase');
  return value;
}
