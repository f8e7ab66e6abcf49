// POST /webhooks/stripe, answered by node:http directly, ahead of the Fastify app (app.ts routes it first).
//
// Why not a Fastify route: only Stripe calls it, it has no parameters, no validation beyond the signature and no
// browser to serve, and it is the route a flood of forged deliveries hits. Measured on this machine, Fastify's
// per-request work (request and reply objects, child logger, hooks) made rejecting a bad signature cost about
// 15–20 % more CPU than the signature check alone; here it costs about the same. What the API's routes get from
// Fastify is done here explicitly, with the app's own code: the request id (http/request-id.ts: honoured and
// echoed), the error shape and rendering (http/error-handler.ts), the HTTP latency metric
// (observability/http-metrics.ts), the failure log line (http/request-log.ts; rejections: one summary per
// interval, from the ingest service); and the body limit (413) and Connection: close while draining.
//
// 200 after the event is committed (or was already stored), 400 for a bad signature or body, 503 when the database
// cannot take it, so Stripe retries.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, httpStatusByErrorCode } from '../errors.js';
import type { Readiness } from '../health/readiness.js';
import { errorBody, renderError, type RenderedError } from '../http/error-handler.js';
import { REQUEST_ID_HEADER, generateRequestId } from '../http/request-id.js';
import { logFailedRequest } from '../http/request-log.js';
import { httpRequestObserver } from '../observability/http-metrics.js';
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
  const { webhookIngest, logger, readiness, bodyLimitBytes } = options;
  const observeRequest = httpRequestObserver(options.metrics);

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

  function sendError(response: ServerResponse, requestId: string, rendered: RenderedError): void {
    if (rendered.retryAfterSeconds !== undefined)
      response.setHeader('retry-after', rendered.retryAfterSeconds);
    send(response, requestId, rendered.statusCode, errorBody(rendered, requestId));
  }

  function refuseTooLarge(response: ServerResponse, requestId: string): void {
    // The rest of the body is not read: the connection is closed after the answer.
    response.setHeader('connection', 'close');
    sendError(response, requestId, {
      statusCode: httpStatusByErrorCode.payload_too_large,
      code: 'payload_too_large',
      message: 'Request body is too large',
    });
  }

  async function store(request: IncomingMessage, response: ServerResponse, requestId: string, body: Buffer) {
    const header = request.headers['stripe-signature'];
    try {
      const signature = Array.isArray(header) ? header.join(',') : header;
      const result = await webhookIngest.receive(body, signature, requestId);
      if (result.outcome === 'rejected') {
        // Rendered directly, not from an AppError: a flood of forged deliveries should not pay for stack traces.
        return sendError(response, requestId, {
          statusCode: httpStatusByErrorCode.bad_request,
          code: 'bad_request',
          message: result.reason,
        });
      }
      send(response, requestId, 200, {
        received: true,
        event_id: result.eventId,
        duplicate: result.outcome === 'duplicate',
      });
    } catch (error) {
      const rendered = renderError(error);
      // service_unavailable was logged by the ingest service, with the event's id; anything else is a bug.
      if (!(error instanceof AppError))
        logFailedRequest(logger.child({ request_id: requestId }), error, rendered);
      // A failure while answering leaves nothing more to send (the sender sees the connection end).
      if (response.headersSent) return response.destroy();
      sendError(response, requestId, rendered);
    }
  }

  return (request, response) => {
    const startedAt = performance.now();
    const requestId = generateRequestId(request);
    response.once('finish', () => {
      observeRequest(
        { method: 'POST', route: WEBHOOK_PATH, statusCode: response.statusCode },
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
