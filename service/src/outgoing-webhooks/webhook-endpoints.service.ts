// The calling application's webhook endpoints: create (the secret shown once), list, delete, rotate the secret
// with an overlap, enable again after auto-disable (failed deliveries go out again), the delivery log and a
// retry or replay of one delivery. Deliveries themselves: delivery-worker.ts.
import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from '../db/pool.js';
import { pageOf, unknownCursor, type Page, type PageRequest } from '../db/page.js';
import { AppError } from '../errors.js';
import * as deliveries from './webhook-deliveries.repo.js';
import type { DeliveryRow } from './webhook-deliveries.repo.js';
import * as repo from './webhook-endpoints.repo.js';
import type { WebhookEndpointRow } from './webhook-endpoints.repo.js';

export type { WebhookEndpointRow } from './webhook-endpoints.repo.js';
export type { DeliveryRow } from './webhook-deliveries.repo.js';
export interface WebhookEndpointsService {
  /** A new endpoint with a new secret (returned here only: shown to the caller once). */
  create(input: { url: string; eventTypes: string[] }): Promise<WebhookEndpointRow>;
  get: (id: string) => Promise<WebhookEndpointRow>;
  list: () => Promise<WebhookEndpointRow[]>;
  delete(id: string): Promise<void>;
  /** A new secret; the previous one still signs (beside it) for `overlapHours`. */
  rotateSecret(id: string, overlapHours: number): Promise<WebhookEndpointRow>;
  /** Enabled again; what failed while it was failing goes out again, in order. */
  enable(id: string): Promise<{ endpoint: WebhookEndpointRow; requeued: number }>;
  /** The endpoint's delivery log, newest first. */
  listDeliveries(endpointId: string, page: PageRequest): Promise<Page<DeliveryRow & { event_type: string }>>;
  /** Sends one delivery again as soon as the worker can (a replay when it was delivered). */
  retryDelivery(endpointId: string, deliveryId: string): Promise<void>;
  /** The fan-out of newly numbered events, in the sequencer's transaction. */
  enqueueDeliveries: (client: PoolClient, eventIds: string[]) => Promise<number>;
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('validation_failed', 'url: not a URL', { param: 'url' });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new AppError('validation_failed', 'url: must be http or https', { param: 'url' });
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new AppError('validation_failed', 'url: must not carry credentials', { param: 'url' });
  }
}

export function createWebhookEndpointsService(options: { pool: Pool }): WebhookEndpointsService {
  const { pool } = options;

  async function get(id: string): Promise<WebhookEndpointRow> {
    const endpoint = await repo.findEndpoint(pool, id);
    if (endpoint === undefined)
      throw new AppError('not_found', `id: no webhook endpoint ${id}`, { param: 'id' });
    return endpoint;
  }

  return {
    async create(input: { url: string; eventTypes: string[] }): Promise<WebhookEndpointRow> {
      checkUrl(input.url);
      return repo.insertEndpoint(pool, {
        url: input.url,
        eventTypes: [...new Set(input.eventTypes)].sort(),
        secret: newSecret(),
      });
    },
    get,
    list: () => repo.listEndpoints(pool),

    async delete(id: string): Promise<void> {
      if (!(await repo.deleteEndpoint(pool, id))) {
        throw new AppError('not_found', `id: no webhook endpoint ${id}`, { param: 'id' });
      }
    },

    async rotateSecret(id: string, overlapHours: number): Promise<WebhookEndpointRow> {
      const rotated = await repo.rotateSecret(pool, id, newSecret(), overlapHours);
      if (rotated === undefined)
        throw new AppError('not_found', `id: no webhook endpoint ${id}`, { param: 'id' });
      return rotated;
    },

    /** Enabled again; what failed while it was failing goes out again, in order. */
    async enable(id: string): Promise<{ endpoint: WebhookEndpointRow; requeued: number }> {
      const endpoint = await repo.enableEndpoint(pool, id);
      if (endpoint === undefined)
        throw new AppError('not_found', `id: no webhook endpoint ${id}`, { param: 'id' });
      return { endpoint, requeued: await deliveries.requeueFailedDeliveries(pool, id) };
    },

    async listDeliveries(
      endpointId: string,
      page: PageRequest,
    ): Promise<Page<DeliveryRow & { event_type: string }>> {
      await get(endpointId);
      if (
        page.startingAfter !== undefined &&
        !(await deliveries.isDeliveryOfEndpoint(pool, endpointId, page.startingAfter))
      ) {
        throw unknownCursor('a delivery of this endpoint', page.startingAfter);
      }
      const rows = await deliveries.listDeliveries(pool, endpointId, {
        startingAfter: page.startingAfter,
        limit: page.limit + 1,
      });
      return pageOf(rows, page.limit);
    },

    /** Sends one delivery again as soon as the worker can (a replay when it was delivered). */
    async retryDelivery(endpointId: string, deliveryId: string): Promise<void> {
      await get(endpointId);
      if (!(await deliveries.requeueDelivery(pool, endpointId, deliveryId))) {
        throw new AppError('not_found', `delivery_id: no delivery ${deliveryId} of this endpoint`, {
          param: 'delivery_id',
        });
      }
    },

    /** The fan-out of newly numbered events, in the sequencer's transaction. */
    enqueueDeliveries: (client: PoolClient, eventIds: string[]) =>
      deliveries.enqueueDeliveries(client, eventIds),
  };
}
