// Webhook delivery: queues per endpoint, signed attempts, retries with backoff, pause and resend.
import { setMaxListeners } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import type { StripeEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import type { EmulatorState } from '../core/store.js';
import { DeliveryLog, type DeliveryKind } from './delivery-log.js';
import { endpointWants, webhookEndpoints, type WebhookEndpoint } from './endpoints.js';
import { retryDelayMs, type WebhookRetryOptions, DEFAULT_WEBHOOK_RETRY } from './retry-policy.js';
import { sendWebhook } from './send-attempt.js';
import { UnsettledDeliveries } from './unsettled-deliveries.js';
import { shuffled, WebhookFaults } from './webhook-faults.js';
import { renderForVersion } from '../versions/api-versions.js';

interface Delivery {
  id: string;
  event: StripeEvent;
  endpointId: string;
  attempts: number;
  kind: DeliveryKind;
}

interface EndpointQueue {
  waiting: Delivery[];
  inFlight: number;
  /** Deliveries held by a reorder fault until its window closes. */
  reorderBuffer: Delivery[] | null;
}

/**
 * Sends every emitted event to every enabled endpoint that wants it, signed per attempt, retried with exponential
 * backoff on non-2xx, timeouts and connection errors. Sending happens off the request path (setImmediate), so
 * an API response never waits for a receiver. Keeps `event.pending_webhooks` equal to the endpoints still owed.
 */
export class WebhookDispatcher {
  readonly log = new DeliveryLog();
  readonly faults = new WebhookFaults();
  private readonly secrets = new Map<string, string>();
  private readonly queues = new Map<string, EndpointQueue>();
  private readonly owed = new Map<string, Set<string>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private abort = attemptsController();
  private readonly unsettled = new UnsettledDeliveries();
  private paused = false;
  private closed = false;

  constructor(
    private readonly state: EmulatorState,
    private readonly logger: FastifyBaseLogger,
    private readonly retry: WebhookRetryOptions = DEFAULT_WEBHOOK_RETRY,
  ) {}

  setSecret(endpointId: string, secret: string): void {
    this.secrets.set(endpointId, secret);
  }

  /** The event listener: queues one delivery per endpoint that wants the event. */
  handleEvent = (event: StripeEvent): void => {
    if (this.closed) return;
    const endpoints = webhookEndpoints(this.state).list((endpoint) => endpointWants(endpoint, event.type));
    if (endpoints.length === 0) return;
    this.owed.set(event.id, new Set(endpoints.map((endpoint) => endpoint.id)));
    event.pending_webhooks = endpoints.length;
    for (const endpoint of endpoints.reverse()) {
      this.schedule(this.newDelivery(event, endpoint.id, 'original'), endpoint);
      if (this.faults.take('duplicate', endpoint, event.type)) {
        this.enqueue(this.newDelivery(event, endpoint.id, 'duplicate'));
      }
    }
  };

  /** Sends an existing event again (fresh signature) to one endpoint or every endpoint that wants it. */
  resend(event: StripeEvent, endpointId?: string): number {
    const endpoints = endpointId
      ? [webhookEndpoints(this.state).get(endpointId, 'webhook_endpoint')]
      : webhookEndpoints(this.state).list((endpoint) => endpointWants(endpoint, event.type));
    for (const endpoint of endpoints) this.enqueue(this.newDelivery(event, endpoint.id, 'resend'));
    return endpoints.length;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const endpointId of this.queues.keys()) this.pump(endpointId);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Deliveries not yet settled (queued, in flight, waiting for a retry, delayed or held by a fault). */
  get pending(): number {
    return this.unsettled.count;
  }

  /** What the queues hold right now, for a stuck delivery's diagnosis (the control API shows it). */
  queueStates(): Array<{ endpoint: string; waiting: number; in_flight: number; held: number }> {
    return [...this.queues].map(([endpoint, queue]) => ({
      endpoint,
      waiting: queue.waiting.length,
      in_flight: queue.inFlight,
      held: queue.reorderBuffer?.length ?? 0,
    }));
  }

  get timersPending(): number {
    return this.timers.size;
  }

  /** Resolves true once every delivery has settled (succeeded or used up its attempts), false on timeout. */
  waitForIdle(timeoutMs = 10_000): Promise<boolean> {
    return this.unsettled.waitForNone(timeoutMs);
  }

  /** Drops every queued delivery, timer and log entry (the state they refer to is gone). */
  /** Every endpoint's signing secret, for a snapshot on disk. */
  secretEntries(): Array<[string, string]> {
    return [...this.secrets];
  }

  reset(): void {
    this.abort.abort();
    this.abort = attemptsController();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.queues.clear();
    this.owed.clear();
    this.secrets.clear();
    this.log.clear();
    this.faults.clear();
    this.paused = false;
    this.unsettled.clear();
  }

  close(): void {
    this.closed = true;
    this.reset();
  }

  private newDelivery(event: StripeEvent, endpointId: string, kind: DeliveryKind): Delivery {
    this.unsettled.add();
    return { id: newId('whdel', 14), event, endpointId, attempts: 0, kind };
  }

  /** Applies delay and reorder faults to a first attempt, then queues it. */
  private schedule(delivery: Delivery, endpoint: WebhookEndpoint): void {
    const delay = this.faults.take('delay', endpoint, delivery.event.type);
    if (delay) {
      this.later(delay.delay_ms ?? 0, () => this.enqueue(delivery));
      return;
    }
    const reorder = this.faults.take('reorder', endpoint, delivery.event.type);
    if (!reorder) {
      this.enqueue(delivery);
      return;
    }
    const queue = this.queueOf(endpoint.id);
    if (queue.reorderBuffer) {
      queue.reorderBuffer.push(delivery);
      return;
    }
    queue.reorderBuffer = [delivery];
    this.later(reorder.window_ms ?? 0, () => {
      const held = queue.reorderBuffer ?? [];
      queue.reorderBuffer = null;
      for (const item of shuffled(held)) this.enqueue(item);
    });
  }

  private enqueue(delivery: Delivery): void {
    this.queueOf(delivery.endpointId).waiting.push(delivery);
    setImmediate(() => this.pump(delivery.endpointId));
  }

  private queueOf(endpointId: string): EndpointQueue {
    let queue = this.queues.get(endpointId);
    if (!queue) {
      queue = { waiting: [], inFlight: 0, reorderBuffer: null };
      this.queues.set(endpointId, queue);
    }
    return queue;
  }

  private pump(endpointId: string): void {
    const queue = this.queues.get(endpointId);
    if (!queue || this.closed) return;
    while (!this.paused && queue.inFlight < this.retry.concurrency && queue.waiting.length > 0) {
      const delivery = queue.waiting.shift();
      if (!delivery) break;
      queue.inFlight += 1;
      void this.attempt(delivery, queue);
    }
  }

  private async attempt(delivery: Delivery, queue: EndpointQueue): Promise<void> {
    const signal = this.abort.signal;
    const endpoint = webhookEndpoints(this.state).find(delivery.endpointId);
    const secret = this.secrets.get(delivery.endpointId);
    delivery.attempts += 1;
    // Stripe signs each attempt with the wall-clock second it is sent, whatever test clocks or the emulator's
    // global clock say: a receiver checks |now - t| against its own clock, so an advanced emulator clock must
    // never produce a future (or past) t.
    const startedAt = Date.now();
    const signedAt = Math.floor(startedAt / 1000);
    const { statusCode, error } =
      !endpoint || endpoint.status !== 'enabled' || !secret
        ? { statusCode: null, error: 'endpoint deleted or disabled' }
        : await sendWebhook(
            endpoint.url,
            eventForEndpoint(delivery.event, endpoint, this.state),
            secret,
            signedAt,
            {
              timeoutMs: this.retry.timeoutMs,
              signal,
            },
          );
    if (signal.aborted) return;
    queue.inFlight -= 1;
    const succeeded = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const gaveUp = !endpoint || endpoint.status !== 'enabled' || delivery.attempts >= this.retry.maxAttempts;
    const retryInMs = succeeded || gaveUp ? null : retryDelayMs(this.retry, delivery.attempts);
    this.log.record({
      delivery_id: delivery.id,
      event_id: delivery.event.id,
      event_type: delivery.event.type,
      endpoint_id: delivery.endpointId,
      url: endpoint?.url ?? '',
      attempt: delivery.attempts,
      kind: delivery.kind,
      status_code: statusCode,
      error: error ?? (succeeded ? null : `HTTP ${statusCode}`),
      succeeded,
      signed_at: signedAt,
      started_at: startedAt,
      finished_at: Date.now(),
      next_retry_at: retryInMs === null ? null : Date.now() + retryInMs,
    });
    if (succeeded) this.markDelivered(delivery.event, delivery.endpointId);
    if (retryInMs !== null) {
      this.logger.debug(
        { event: delivery.event.id, statusCode, error },
        'webhook attempt failed, will retry',
      );
      this.later(retryInMs, () => this.enqueue(delivery));
    } else {
      this.unsettled.settle();
    }
    this.pump(delivery.endpointId);
  }

  private markDelivered(event: StripeEvent, endpointId: string): void {
    const owed = this.owed.get(event.id);
    if (!owed?.delete(endpointId)) return;
    event.pending_webhooks = owed.size;
    if (owed.size === 0) this.owed.delete(event.id);
  }

  /** A timer that reset and close cancel. */
  private later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) work();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }
}

/** Aborts every attempt in flight on reset; each attempt listens to it, as many at once as the queues allow. */
function attemptsController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/** An endpoint created with an `api_version` gets its events rendered in that version (`api_version` says so). */
function eventForEndpoint(event: StripeEvent, endpoint: WebhookEndpoint, state: EmulatorState): StripeEvent {
  if (endpoint.api_version === null || endpoint.api_version === event.api_version) return event;
  const lookup = (name: string, id: string) => state.table(name).find(id);
  return { ...renderForVersion(event, endpoint.api_version, lookup), api_version: endpoint.api_version };
}
