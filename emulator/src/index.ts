// The library API: startEmulator() and what a running emulator offers.
import pino from 'pino';
import { catchUpGlobalClock } from './billing/time-engine.js';
import { emulatorSummary } from './core/summary.js';
import { CURRENT_API_VERSION } from './versions/api-versions.js';
import { attachPersistence, type Persistence } from './core/persistence.js';
import { webhookEndpoints } from './webhooks/endpoints.js';
import { createClock, type Clock } from './core/clock.js';
import type { EmulatorContext } from './core/context.js';
import { EventLog, type StripeEvent } from './core/events.js';
import { ApiFaults } from './core/faults.js';
import { RequestRateLimit } from './core/request-rate-limit.js';
import { IdempotencyStore } from './core/idempotency.js';
import { EmulatorState } from './core/store.js';
import { ensureAccount } from './resources/account.routes.js';
import { createWebhookEndpoint } from './resources/webhook-endpoint-object.js';
import { applySeed, type SeedSummary } from './seed.js';
import { buildEmulatorServer } from './server.js';
import type { DeliveryAttempt, DeliveryFilter } from './webhooks/delivery-log.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';
import { DEFAULT_WEBHOOK_RETRY, type WebhookRetryOptions } from './webhooks/retry-policy.js';
import type { WebhookFaults } from './webhooks/webhook-faults.js';

export type { ApiFault, ApiFaultInput } from './core/faults.js';
export type { RequestRateLimit, RequestRateLimitState } from './core/request-rate-limit.js';
export type { DeliveryAttempt, DeliveryFilter } from './webhooks/delivery-log.js';
export type { WebhookFault, WebhookFaultInput } from './webhooks/webhook-faults.js';
export type { WebhookRetryOptions } from './webhooks/retry-policy.js';
export type { EmulatorContext } from './core/context.js';
export { createClock } from './core/clock.js';
export type { Clock } from './core/clock.js';

/** The API version the emulator renders objects and events in: the one the pinned `stripe` SDK sends. */
export const EMULATOR_API_VERSION = CURRENT_API_VERSION;

export interface StartEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Webhook endpoints to register at start (all events), each signed with its own secret. */
  webhooks?: Array<{ url: string; secret: string; enabled_events?: string[] }>;
  /** A catalog of products and prices to create at start (the same JSON as `--seed FILE`). */
  seed?: unknown;
  /** The global clock (tests may pass one they control). */
  clock?: Clock;
  logLevel?: string;
  /** Webhook retry schedule; tests pass a fast one (e.g. `{ initialDelayMs: 50, maxAttempts: 3 }`). */
  webhookRetry?: Partial<WebhookRetryOptions>;
  /**
   * Keep the state on disk in this folder (`state.v8`): loaded at start, saved shortly after every change and on
   * close. A restored emulator does not apply the seed again and reuses a start webhook endpoint of the same URL.
   */
  dataDir?: string;
}

export interface WebhookControls {
  /** Every delivery attempt, oldest first. */
  deliveries(filter?: DeliveryFilter): DeliveryAttempt[];
  /** Resolves true when no delivery is queued, in flight or waiting for a retry; false on timeout. */
  waitForIdle(timeoutMs?: number): Promise<boolean>;
  /** Holds every delivery (as if Stripe could not reach the service) until resume(). */
  pause(): void;
  resume(): void;
  /** Sends an existing event again with a fresh signature; returns the number of deliveries queued. */
  resend(eventId: string, endpointId?: string): number;
  faults: WebhookFaults;
  /** The endpoints registered at start, with their ids. */
  endpoints: Array<{ id: string; url: string; secret: string }>;
}

export interface RunningEmulator {
  url: string;
  port: number;
  context: EmulatorContext;
  /** API faults: `faults.add({ type: 'error', endpoint: 'POST /v1/customers', count: 1 })`. */
  faults: ApiFaults;
  /** Stripe's request rate limit: `rateLimit.set({ requests_per_second: 25 })`, off by default. */
  rateLimit: RequestRateLimit;
  webhooks: WebhookControls;
  /** Empties all state, faults, idempotency keys and the delivery log, then restores the start configuration. */
  reset(): void;
  /** Object counts per Stripe object name and webhook figures (the same as `GET /_emulator/state`). */
  summary(): ReturnType<typeof emulatorSummary>;
  /** What the seed created at start. */
  seeded: SeedSummary;
  close(): Promise<void>;
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const logger = pino({ level: options.logLevel ?? 'warn', name: 'stripe-emulator' });
  const state = new EmulatorState();
  const clock = options.clock ?? createClock();
  const context: EmulatorContext = {
    state,
    clock,
    events: new EventLog(state, clock, EMULATOR_API_VERSION),
    apiVersion: EMULATOR_API_VERSION,
    baseUrl: '',
    logger,
    idempotency: new IdempotencyStore(),
    faults: new ApiFaults(),
    rateLimit: new RequestRateLimit(),
    webhooks: new WebhookDispatcher(state, logger, {
      ...DEFAULT_WEBHOOK_RETRY,
      ...options.webhookRetry,
    }),
  };
  context.events.subscribe(context.webhooks.handleEvent);
  state.onReset(() => {
    context.idempotency.clear();
    context.faults.clear();
    context.rateLimit.clear();
    context.webhooks.reset();
  });
  const app = buildEmulatorServer(context);

  let startEndpoints: ReturnType<typeof createWebhookEndpoint>[];
  let seeded: SeedSummary;
  let persistence: Persistence | undefined;
  try {
    persistence = options.dataDir === undefined ? undefined : attachPersistence(context, options.dataDir);
    const restored = persistence?.restored ?? false;
    startEndpoints = (options.webhooks ?? []).map((webhook) =>
      restored ? reuseOrCreateEndpoint(context, webhook) : createWebhookEndpoint(context, webhook),
    );
    seeded = restored ? { products: 0, prices: 0 } : applySeed(context, options.seed);
  } catch (error) {
    context.webhooks.close();
    await app.close();
    throw error;
  }
  // Registered after every resource module's hook, so the restored configuration is not wiped again.
  state.onReset(() => {
    for (const endpoint of startEndpoints) createWebhookEndpoint(context, endpoint, endpoint.id);
    applySeed(context, options.seed);
  });
  // The instance's account exists from the start, so its id is saved with the state even if nothing else changes.
  if (ensureAccount(context).created) persistence?.scheduleSave();
  if (persistence) {
    const saver = persistence;
    context.events.subscribe(() => saver.scheduleSave());
    state.onReset(() => saver.scheduleSave());
    app.addHook('onResponse', (request, _reply, done) => {
      if (request.method !== 'GET') saver.scheduleSave();
      done();
    });
  }

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  context.baseUrl = `http://${urlHost(options.host ?? '127.0.0.1')}:${port}`;
  const webhooks = context.webhooks;
  // Wall time moves the global clock: what falls due (a trial's notice, a bank debit settling) happens within a
  // second even when no API request comes to trigger the catch-up.
  const clockTicks = setInterval(() => {
    try {
      catchUpGlobalClock(context);
    } catch (error) {
      logger.error({ err: error }, 'time engine failed on the global clock');
    }
  }, 1000);
  clockTicks.unref();
  return {
    url: context.baseUrl,
    port,
    context,
    faults: context.faults,
    rateLimit: context.rateLimit,
    webhooks: {
      deliveries: (filter) => webhooks.log.list(filter),
      waitForIdle: (timeoutMs) => webhooks.waitForIdle(timeoutMs),
      pause: () => webhooks.pause(),
      resume: () => webhooks.resume(),
      resend: (eventId, endpointId) =>
        webhooks.resend(state.table<StripeEvent>('event').get(eventId), endpointId),
      faults: webhooks.faults,
      endpoints: startEndpoints.map(({ id, url, secret }) => ({ id, url, secret })),
    },
    reset: () => state.reset(),
    summary: () => emulatorSummary(context),
    seeded,
    close: async () => {
      clearInterval(clockTicks);
      webhooks.close();
      await app.close();
      persistence?.flush();
    },
  };
}

/** After a restart from disk: the endpoint of that URL registered last time, with the configured secret. */
function reuseOrCreateEndpoint(
  context: EmulatorContext,
  webhook: { url: string; secret: string; enabled_events?: string[] },
): ReturnType<typeof createWebhookEndpoint> {
  const existing = webhookEndpoints(context.state).list((endpoint) => endpoint.url === webhook.url)[0];
  if (!existing) return createWebhookEndpoint(context, webhook);
  context.webhooks.setSecret(existing.id, webhook.secret);
  return { ...existing, secret: webhook.secret };
}

/** An IPv6 literal needs brackets in a URL; a wildcard bind address is reached through loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
