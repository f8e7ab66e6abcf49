// A server span per HTTP request, at the node:http level so the webhook endpoint (answered ahead of Fastify) and
// the app are both covered; the caller's W3C traceparent becomes the parent. Fastify names the span by route
// and puts the trace id on the request's log lines.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { AppInstance } from '../http/app-instance.js';
import { activeTraceId } from './tracing.js';

export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

export function traceRequests(listener: RequestListener): RequestListener {
  const tracer = trace.getTracer('billing-service');
  return (request, response) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(
      `${request.method ?? 'HTTP'}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method ?? '',
          'url.path': (request.url ?? '').split('?')[0],
        },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    // Body chunks and 'finish' come from the socket: bind the emitters so their listeners run in the span.
    context.bind(active, request);
    context.bind(active, response);
    response.once('close', () => {
      span.setAttribute('http.response.status_code', response.statusCode);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(active, () => listener(request, response));
  };
}

/** Names the request's span by route template and adds `trace_id` to its log lines. */
export function registerRequestTracing(app: AppInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const traceId = activeTraceId();
    if (traceId !== undefined) request.log = request.log.child({ trace_id: traceId });
    const route = request.routeOptions.url;
    if (route !== undefined) trace.getSpan(context.active())?.updateName(`${request.method} ${route}`);
    done();
  });
}
