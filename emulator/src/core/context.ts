// The per-emulator context every module is given (state, clock, events, webhooks, faults, rate limit, idempotency).
import type { FastifyBaseLogger } from 'fastify';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';
import type { Clock } from './clock.js';
import type { EventLog } from './events.js';
import type { ApiFaults } from './faults.js';
import type { IdempotencyStore } from './idempotency.js';
import type { RequestRateLimit } from './request-rate-limit.js';
import type { EmulatorState } from './store.js';

/** Everything a resource module needs, built once per emulator instance (no globals: tests run many emulators). */
export interface EmulatorContext {
  state: EmulatorState;
  /** The global emulator clock; objects on a test clock read that clock's frozen time instead. */
  clock: Clock;
  events: EventLog;
  /** The API version objects and events are rendered in (the pinned `stripe` SDK's version). */
  apiVersion: string;
  /** Where the emulator is reachable (`http://127.0.0.1:12111`); hosted page URLs start with it. Set after listen. */
  baseUrl: string;
  logger: FastifyBaseLogger;
  /** Saved responses to `Idempotency-Key` requests (server hooks only). */
  idempotency: IdempotencyStore;
  /** Injected API faults (server hooks and the control API). */
  faults: ApiFaults;
  /** Stripe's request rate limit, off until a test sets one (server hooks and the control API). */
  rateLimit: RequestRateLimit;
  /** Webhook delivery: endpoint secrets, queues, retries, the delivery log, webhook faults. */
  webhooks: WebhookDispatcher;
}
