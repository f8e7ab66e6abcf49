import type { FastifyBaseLogger } from 'fastify';
import type { StripeEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import type { EmulatorState } from '../core/store.js';
import { DeliveryLog, type DeliveryKind } from './delivery-log.js';
import { endpointWants, webhookEndpoints, type WebhookEndpoint } from './endpoints.js';
import { signatureHeader } from './signature.js';
import { WebhookFaults } from './webhook-faults.js';

export interface WebhookRetryOptions {
  /** Delay before the second attempt; each later one doubles, up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Attempts in flight at once per endpoint; they start in event order. */
  concurrency: number;
}

/** About three days of retries like Stripe's live mode: 10 s, 20 s, 40 s … capped at 6 h, 22 attempts. */
export const DEFAULT_WEBHOOK_RETRY: WebhookRetryOptions = {
  initialDelayMs: 10_000,
  maxDelayMs: 6 * 60 * 60 * 1000,
  maxAttempts: 22,
  timeoutMs: 10_000,
  concurrency: 4,
};

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
  private readonly idleWaiters = new Set<() => void>();
  private abort = new AbortController();
  private outstanding = 0;
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
    return this.outstanding;
  }

  /** Resolves true once every delivery has settled (succeeded or used up its attempts), false on timeout. */
  waitForIdle(timeoutMs = 10_000): Promise<boolean> {
    if (this.outstanding === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters.delete(done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.add(done);
    });
  }

  /** Drops every queued delivery, timer and log entry (the state they refer to is gone). */
  reset(): void {
    this.abort.abort();
    this.abort = new AbortController();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.queues.clear();
    this.owed.clear();
    this.secrets.clear();
    this.log.clear();
    this.faults.clear();
    this.paused = false;
    this.outstanding = 0;
    this.notifyIfIdle();
  }

  close(): void {
    this.closed = true;
    this.reset();
  }

  private newDelivery(event: StripeEvent, endpointId: string, kind: DeliveryKind): Delivery {
    this.outstanding += 1;
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
    let statusCode: number | null = null;
    let error: string | null = null;
    if (!endpoint || endpoint.status !== 'enabled' || !secret) {
      error = 'endpoint deleted or disabled';
    } else {
      try {
        const body = JSON.stringify(delivery.event, null, 2);
        const response = await fetch(endpoint.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
            accept: '*/*; q=0.5, application/xml',
            'cache-control': 'no-cache',
            'stripe-signature': signatureHeader(body, secret, signedAt),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.retry.timeoutMs)]),
        });
        statusCode = response.status;
        await response.arrayBuffer().catch(() => undefined);
      } catch (caught) {
        error = describeFetchError(caught, this.retry.timeoutMs);
      }
    }
    if (signal.aborted) return;
    queue.inFlight -= 1;
    const succeeded = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const gaveUp = !endpoint || endpoint.status !== 'enabled' || delivery.attempts >= this.retry.maxAttempts;
    const retryInMs = succeeded || gaveUp ? null : this.backoff(delivery.attempts);
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
      this.settle();
    }
    this.pump(delivery.endpointId);
  }

  private backoff(attemptsSoFar: number): number {
    return Math.min(this.retry.initialDelayMs * 2 ** (attemptsSoFar - 1), this.retry.maxDelayMs);
  }

  private markDelivered(event: StripeEvent, endpointId: string): void {
    const owed = this.owed.get(event.id);
    if (!owed?.delete(endpointId)) return;
    event.pending_webhooks = owed.size;
    if (owed.size === 0) this.owed.delete(event.id);
  }

  private settle(): void {
    this.outstanding = Math.max(0, this.outstanding - 1);
    this.notifyIfIdle();
  }

  private notifyIfIdle(): void {
    if (this.outstanding !== 0) return;
    for (const waiter of [...this.idleWaiters]) waiter();
    this.idleWaiters.clear();
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

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

function describeFetchError(caught: unknown, timeoutMs: number): string {
  if (caught instanceof Error) {
    if (caught.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
    const cause = (caught as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? caught.message;
  }
  return String(caught);
}
