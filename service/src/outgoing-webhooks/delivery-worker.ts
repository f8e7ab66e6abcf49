// Delivers outbox events to the calling application's endpoints: numbers what committed (the sequencer), claims
// due deliveries (a customer's next one per endpoint only, so a receiver sees each customer's events in
// sequence order), POSTs each signed body, and records the outcome: 2xx delivered; anything else retried with
// exponential backoff until it has failed for `giveUpSeconds` (OUTGOING_WEBHOOK_MAX_AGE_HOURS, 3 days), then
// failed and the endpoint disabled (an admin enables it again; nothing is lost meanwhile: new deliveries wait).
// Its settings are config/outgoing-webhooks.ts.
import type { Registry } from 'prom-client';
import type { OutgoingWebhookSettings } from '../config/outgoing-webhooks.js';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../observability/logger.js';
import type { OutboxService } from '../outbox/outbox.service.js';
import { deliveryMetricsFor } from './delivery-metrics.js';
import * as deliveries from './webhook-deliveries.repo.js';
import type { DeliveryRow } from './webhook-deliveries.repo.js';
import * as endpoints from './webhook-endpoints.repo.js';
import { SIGNATURE_HEADER, signBody } from './webhook-signature.js';

export interface DeliveryWorker {
  /** One round: numbers what committed, claims due deliveries (up to the concurrency) and attempts them. */
  runOnce: () => Promise<number>;
  /** Runs rounds until stop: straight on while there is work, else after the poll interval. */
  start(): void;
  /** Stops and waits for the round in progress. */
  stop(): Promise<void>;
}

export function createDeliveryWorker(options: {
  pool: Pool;
  outbox: Pick<OutboxService, 'sequence' | 'findEvents'>;
  logger: Logger;
  registry: Registry;
  settings: OutgoingWebhookSettings;
}): DeliveryWorker {
  const { pool, settings } = options;
  const metrics = deliveryMetricsFor(options.registry);
  const log = options.logger.child({ component: 'outgoing-webhooks' });
  // A claim is leased for longer than one attempt can take; a crashed worker's claim comes due after it.
  const leaseSeconds = Math.ceil(settings.timeoutMs / 1000) + 30;

  async function attempt(delivery: DeliveryRow, body: string): Promise<void> {
    const endpoint = await endpoints.findEndpoint(pool, delivery.endpoint_id);
    if (endpoint === undefined) return; // deleted meanwhile: its deliveries are never claimed again
    const now = Date.now();
    const secrets = [endpoint.secret];
    if (endpoint.previous_secret !== null && (endpoint.previous_secret_expires_at?.getTime() ?? 0) > now) {
      secrets.push(endpoint.previous_secret);
    }
    const stopTimer = metrics.duration.startTimer();
    let statusCode: number | null = null;
    let error: string;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'billing-service-webhooks',
          [SIGNATURE_HEADER]: signBody(body, secrets, Math.floor(now / 1000)),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      await response.body?.cancel();
      statusCode = response.status;
      if (response.status >= 200 && response.status < 300) {
        await deliveries.markDelivered(pool, delivery.id, response.status);
        metrics.attempts.inc({ outcome: 'delivered' });
        return;
      }
      error = `the endpoint answered ${response.status}`;
    } catch (cause) {
      error = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    } finally {
      stopTimer();
    }
    const delaySeconds = Math.min(
      settings.retryMaxSeconds,
      settings.retryBaseSeconds * 2 ** Math.max(0, delivery.attempts - 1),
    );
    const gaveUp = await deliveries.recordFailedAttempt(pool, delivery.id, {
      statusCode,
      error,
      delaySeconds,
      giveUpSeconds: settings.giveUpSeconds,
    });
    metrics.attempts.inc({ outcome: gaveUp ? 'failed' : 'retrying' });
    if (gaveUp) {
      await endpoints.disableEndpoint(
        pool,
        endpoint.id,
        `delivery ${delivery.id} failed for too long: ${error}`,
      );
      log.warn({ endpoint: endpoint.id, delivery: delivery.id }, 'webhook endpoint disabled after failing');
    }
  }

  /** One round: number, claim, deliver. Returns how many deliveries it attempted. */
  async function runOnce(): Promise<number> {
    await options.outbox.sequence();
    const claimed = await deliveries.claimDueDeliveries(pool, settings.concurrency, leaseSeconds);
    if (claimed.length === 0) return 0;
    const events = new Map(
      (await options.outbox.findEvents(claimed.map((delivery) => delivery.event_id))).map((event) => [
        event.id,
        JSON.stringify(event),
      ]),
    );
    await Promise.all(claimed.map((delivery) => attempt(delivery, events.get(delivery.event_id) ?? '{}')));
    return claimed.length;
  }

  let running = false;
  let loop: Promise<void> | undefined;
  return {
    runOnce,
    start(): void {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          try {
            if ((await runOnce()) > 0) continue;
          } catch (error) {
            log.error({ err: error }, 'webhook delivery round failed');
          }
          await new Promise((resolve) => setTimeout(resolve, settings.pollIntervalMs));
        }
      })();
    },
    async stop(): Promise<void> {
      running = false;
      await loop;
    },
  };
}
