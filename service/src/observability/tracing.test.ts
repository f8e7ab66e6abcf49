// Tracing with an in-memory exporter: server spans for the app and the webhook endpoint continuing the caller's
// traceparent, database and Stripe spans beneath them, event application spans, the trace id on request logs,
// and nothing at all once tracing is off.
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { useCheckoutWorld } from '../test-support/checkout-world.js';
import { insertSyntheticEvents, webhookSettings } from '../test-support/inbox-fixtures.js';
import { buildTestApp } from '../test-support/test-app.js';
import { baseUrlOf, postWebhook } from '../test-support/webhook-delivery.js';
import { webhookMetricsFor } from '../webhooks/webhook-metrics.js';
import { createInboxWorker } from '../webhooks/worker/inbox-worker.js';
import { isTracingEnabled, startTracing } from './tracing.js';

const exporter = new InMemorySpanExporter();
// Before the world's app and pools are built (its beforeAll), as the processes start tracing before anything.
const tracing = startTracing({ otlpEndpoint: undefined, serviceName: 'billing-test', exporter });

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const traceparent = (traceId = TRACE_ID) => `00-${traceId}-${CALLER_SPAN_ID}-01`;
const spansOf = (traceId: string): ReadableSpan[] =>
  exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);

describe('tracing', () => {
  const world = useCheckoutWorld();
  afterAll(async () => {
    if (isTracingEnabled()) await tracing.shutdown();
  });

  const get = async (url: string, headers: Record<string, string>) =>
    fetch(`${await baseUrlOf(world.app.app)}${url}`, {
      headers: { authorization: `Bearer ${world.app.apiKey}`, ...headers },
    });

  it('continues the caller trace in a server span named by route, with database spans beneath it', async () => {
    const response = await get('/v1/catalog', { traceparent: traceparent() });
    expect(response.status).toBe(200);
    await expect.poll(() => spansOf(TRACE_ID).some((span) => span.name === 'GET /v1/catalog')).toBe(true);
    const spans = spansOf(TRACE_ID);
    const server = spans.find((span) => span.name === 'GET /v1/catalog')!;
    expect(server.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    expect(server.attributes['http.response.status_code']).toBe(200);
    const queries = spans.filter((span) => span.attributes['db.system.name'] === 'postgresql');
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.every((span) => span.parentSpanContext?.spanId === server.spanContext().spanId)).toBe(
      true,
    );
  });

  it('puts the trace id on the request log line', async () => {
    const traceId = 'a'.repeat(31) + 'b';
    const logged = await buildTestApp({ databaseUrl: world.app.database.url });
    try {
      const response = await fetch(`${await baseUrlOf(logged.app)}/v1/catalog`, {
        headers: { traceparent: traceparent(traceId) },
      });
      expect(response.status).toBe(401);
      await expect
        .poll(() => logged.logLines().find((line) => line.msg === 'request completed'))
        .toMatchObject({ trace_id: traceId });
    } finally {
      await logged.close();
    }
  });

  it('times Stripe calls in client spans of the request trace', async () => {
    const customer = await world.newCustomer();
    const traceId = 'c'.repeat(32);
    const response = await fetch(`${await baseUrlOf(world.app.app)}/v1/checkout/sessions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${world.app.apiKey}`,
        'content-type': 'application/json',
        traceparent: traceparent(traceId),
      },
      body: JSON.stringify(world.cart(customer)),
    });
    expect(response.status).toBe(201);
    await expect
      .poll(() => spansOf(traceId).map((span) => span.name))
      .toEqual(expect.arrayContaining(['POST /v1/checkout/sessions', 'stripe checkout.sessions.create']));
  });

  it('traces the webhook endpoint answered ahead of the app', async () => {
    const traceId = 'd'.repeat(32);
    const answer = await postWebhook(world.app.app, '{"id":"evt_1"}', 't=1,v1=forged', {
      traceparent: traceparent(traceId),
    });
    expect(answer.statusCode).toBe(400);
    await expect.poll(() => spansOf(traceId).length).toBeGreaterThan(0);
    const [span] = spansOf(traceId);
    expect(span?.attributes['url.path']).toBe('/webhooks/stripe');
    expect(span?.attributes['http.response.status_code']).toBe(400);
  });

  it('traces the application of each event by the worker', async () => {
    const { pool, logger } = world.app.dependencies;
    const [id] = await insertSyntheticEvents(pool, { prefix: 'traced', count: 1, type: 'test.traced' });
    const worker = createInboxWorker({
      pool,
      logger,
      metrics: webhookMetricsFor(world.app.dependencies.metrics.registry),
      handlers: new Map([['test.traced', { apply: async () => undefined }]]),
      settings: webhookSettings(),
    });
    expect(await worker.runBatch()).toEqual(['processed']);
    const applied = exporter.getFinishedSpans().find((span) => span.name === 'webhook.apply test.traced');
    expect(applied?.attributes['stripe.event.id']).toBe(id);
    const queries = exporter
      .getFinishedSpans()
      .filter((span) => span.parentSpanContext?.spanId === applied?.spanContext().spanId);
    expect(queries.length).toBeGreaterThan(0);
  });

  it('adds nothing once tracing is off', async () => {
    await tracing.shutdown();
    expect(isTracingEnabled()).toBe(false);
    exporter.reset();
    const untraced = await buildTestApp({ databaseUrl: world.app.database.url });
    try {
      const response = await fetch(`${await baseUrlOf(untraced.app)}/v1/catalog`, {
        headers: { traceparent: traceparent() },
      });
      expect(response.status).toBe(401);
      await expect
        .poll(() => untraced.logLines().find((line) => line.msg === 'request completed'))
        .toMatchObject({ res: { statusCode: 401 } });
      expect(untraced.logLines().some((line) => 'trace_id' in line)).toBe(false);
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      await untraced.close();
    }
  });
});
