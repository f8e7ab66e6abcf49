// Our own `Idempotency-Key` on every POST under /v1/, per API key:
//   first request        → a "running" row is inserted, the request runs, its status and exact body bytes are stored;
//   same key, same body  → the stored status and body, byte for byte, with `Idempotent-Replayed: true`;
//   same key, other body → 422;  same key while the first still runs → 409;  key over 255 characters → 400.
// A 5xx outcome is not stored: the row is deleted so the caller can retry with the same key (our writes to
// Stripe are idempotent on their own, so the retry cannot double anything). Records expire after
// IDEMPOTENCY_RETENTION_HOURS; expired rows are replaced on reuse and pruned opportunistically.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { AppInstance } from '../http/app-instance.js';
import { isApiRoute } from '../auth/authentication.js';
import * as repo from './idempotency.repo.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey: string | undefined;
  }
}

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
const MAX_KEY_LENGTH = 255;
const PRUNE_EVERY_CLAIMS = 100;

export function registerIdempotency(app: AppInstance, options: { pool: Pool; retentionHours: number }): void {
  const { pool } = options;
  let claims = 0;
  app.decorateRequest('idempotencyKey', undefined);

  // Only POST routes take the key: the hooks are attached to those routes alone, so a GET (the entitlement
  // check, the hottest route) runs none of them.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('POST') || !isApiRoute(route.url)) return;
    route.preValidation = [...asList(route.preValidation), checkKey];
    route.preHandler = [...asList(route.preHandler), claimOrReplay];
    route.onSend = [...asList(route.onSend), storeResponse];
  });

  async function checkKey(request: FastifyRequest): Promise<void> {
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (key === undefined) return;
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw new AppError('bad_request', `Idempotency-Key: must be 1 to ${MAX_KEY_LENGTH} characters`, {
        param: 'Idempotency-Key',
      });
    }
  }

  async function claimOrReplay(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply | undefined> {
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (typeof key !== 'string' || request.apiKey === undefined) return undefined;
    const apiKeyId = request.apiKey.id;
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.routeOptions.url ?? ''} ${JSON.stringify(request.params)}\n`)
      .update(JSON.stringify(request.body ?? null))
      .digest('hex');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const claim = { apiKeyId, key, fingerprint, retentionHours: options.retentionHours };
      if (await repo.claimIdempotencyKey(pool, claim)) {
        request.idempotencyKey = key;
        claims += 1;
        if (claims % PRUNE_EVERY_CLAIMS === 0) {
          repo.deleteExpiredIdempotencyKeys(pool, 1000).catch((error: unknown) => {
            request.log.warn({ err: error }, 'could not prune expired idempotency keys');
          });
        }
        return;
      }
      const record = await repo.findIdempotencyRecord(pool, apiKeyId, key);
      if (record === undefined) continue; // released between our two statements: claim again
      if (record.request_fingerprint !== fingerprint) {
        throw new AppError(
          'unprocessable_entity',
          'Idempotency-Key was already used with a different request; use a new key for a new request',
          { param: 'Idempotency-Key' },
        );
      }
      if (record.status === 'running') {
        throw new AppError(
          'conflict',
          'A request with this Idempotency-Key is still running; retry shortly',
          {
            retryAfterSeconds: 1,
          },
        );
      }
      void reply.header('idempotent-replayed', 'true');
      if (record.response_content_type !== null)
        void reply.header('content-type', record.response_content_type);
      return reply.status(record.response_status ?? 200).send(record.response_body ?? Buffer.alloc(0));
    }
    throw new AppError('conflict', 'A request with this Idempotency-Key is still running; retry shortly');
  }

  async function storeResponse(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const key = request.idempotencyKey;
    if (key === undefined || request.apiKey === undefined) return payload;
    request.idempotencyKey = undefined;
    const apiKeyId = request.apiKey.id;
    const storable = typeof payload === 'string' || Buffer.isBuffer(payload);
    try {
      if (reply.statusCode >= 500 || !storable) {
        await repo.releaseIdempotencyKey(pool, apiKeyId, key);
      } else {
        const contentType = reply.getHeader('content-type');
        await repo.completeIdempotencyKey(pool, {
          apiKeyId,
          key,
          status: reply.statusCode,
          contentType: typeof contentType === 'string' ? contentType : undefined,
          body: Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8'),
        });
      }
    } catch (error) {
      // The response still goes out; the key stays "running" and is taken over after 2 minutes.
      request.log.error({ err: error }, 'could not store the idempotent response');
    }
    return payload;
  }
}

function asList<Hook>(hooks: Hook | Hook[] | undefined): Hook[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}
