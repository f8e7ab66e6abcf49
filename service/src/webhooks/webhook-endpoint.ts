// POST /webhooks/stripe, answered by node:http directly, ahead of the Fastify app (app.ts routes it first).
//
// Why not a Fastify route: only Stripe calls it, it has no parameters, no validation beyond the signature and no
// browser to serve, and it is the route a flood of forged deliveries hits. Measured on this machine, Fastify's
// per-request work (request and reply objects, child logger, hooks) made rejecting a bad signature cost about
// 15–20 % more CPU than the signature check alone; here it costs about the same. What the API's routes get from
// Fastify is done here explicitly: the request id (honoured and echoed), the body limit (413), the error shape
// `{ error: { code, message, request_id } }`, Connection: close while draining, the HTTP latency metric, and a log
// line for every failure (rejections: one summary per interval, from the ingest service).
//
// 200 after the event is committed (or was already stored), 400 for a bad signature or body, 503 when the database
// cannot take it, so Stripe retries.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, httpStatusByErrorCode, type ErrorCode } from '../errors.js';
import type { Readiness } from '../health/readiness.js';
import { REQUEST_ID_HEADER, generateRequestId } from '../http/request-id.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { WebhookIngestService } from './webhook-ingest.service.js';

export const WEBHOOK_PATH = '/webhooks/stripe';

export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

export interface WebhookEndpointOptions {
  webhookIngest: WebhookIngestService;
  metrics: Metrics;
  logger: Logger;
  readiness: Readiness;
  bodyLimitBytes: number;
}

/** POST to the webhook path (any query string); every other request is the Fastify app's. */
export function isWebhookRequest(request: IncomingMessage): boolean {
  if (request.method !== 'POST' || request.url === undefined) return false;
  const query = request.url.indexOf('?');
  return (query === -1 ? request.url : request.url.slice(0, query)) === WEBHOOK_PATH;
}

export function createWebhookEndpoint(options: WebhookEndpointOptions): RequestListener {
  const { webhookIngest, metrics, logger, readiness, bodyLimitBytes } = options;

  function send(response: ServerResponse, requestId: string, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      [REQUEST_ID_HEADER]: requestId,
    };
    // While draining, the sender is asked to close this connection, so shutdown need not wait for it.
    if (readiness.isShuttingDown()) headers.connection = 'close';
    response.writeHead(status, headers);
    response.end(text);
  }

  function sendError(response: ServerResponse, requestId: string, code: ErrorCode, message: string): void {
    send(response, requestId, httpStatusByErrorCode[code], {
      error: { code, message, request_id: requestId },
    });
  }

  function refuseTooLarge(response: ServerResponse, requestId: string): void {
    // The rest of the body is not read: the connection is closed after the answer.
    response.setHeader('connection', 'close');
    sendError(response, requestId, 'payload_too_large', 'Request body is too large');
  }

  async function store(request: IncomingMessage, response: ServerResponse, requestId: string, body: Buffer) {
    const header = request.headers['stripe-signature'];
    try {
      const signature = Array.isArray(header) ? header.join(',') : header;
      const result = await webhookIngest.receive(body, signature, requestId);
      if (result.outcome === 'rejected') return sendError(response, requestId, 'bad_request', result.reason);
      send(response, requestId, 200, {
        received: true,
        event_id: result.eventId,
        duplicate: result.outcome === 'duplicate',
      });
    } catch (error) {
      // service_unavailable was logged by the ingest service, with the event's id; anything else is a bug.
      if (!(error instanceof AppError)) {
        logger.error({ err: error, request_id: requestId }, 'webhook request failed');
      }
      // A failure while answering leaves nothing more to send (the sender sees the connection end).
      if (response.headersSent) return response.destroy();
      if (error instanceof AppError) return sendError(response, requestId, error.code, error.message);
      sendError(response, requestId, 'internal', 'Internal server error');
    }
  }

  return (request, response) => {
    const startedAt = performance.now();
    const requestId = generateRequestId(request);
    response.once('finish', () => {
      metrics.httpRequestDurationSeconds.observe(
        { method: 'POST', route: WEBHOOK_PATH, status_code: String(response.statusCode) },
        (performance.now() - startedAt) / 1000,
      );
    });

    if (Number(request.headers['content-length'] ?? 0) > bodyLimitBytes) {
      return refuseTooLarge(response, requestId);
    }
    const chunks: Buffer[] = [];
    let received = 0;
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= bodyLimitBytes) {
        chunks.push(chunk);
        return;
      }
      // A chunked body over the limit: answer now and stop reading.
      request.removeAllListeners('data');
      request.removeAllListeners('end');
      request.pause();
      refuseTooLarge(response, requestId);
    });
    request.on('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
      void store(request, response, requestId, body);
    });
    // A sender that goes away mid-body gets no answer; nothing was stored.
    request.on('error', () => undefined);
  };
}
