import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import { buildMetricsApp } from './metrics-app.js';

describe('metrics', () => {
  let testApp: TestApp;
  let metricsApp: ReturnType<typeof buildMetricsApp>;

  beforeAll(async () => {
    testApp = await buildTestApp();
    testApp.app.get('/test/items/:id', async () => ({ ok: true }));
    await testApp.app.ready();
    metricsApp = buildMetricsApp({
      metrics: testApp.dependencies.metrics,
      logger: testApp.dependencies.logger,
    });
  });

  afterAll(async () => {
    await metricsApp.close();
    await testApp.close();
  });

  async function scrape(): Promise<string> {
    const response = await metricsApp.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.body;
  }

  it('labels requests by route template, method and status, never by the raw URL', async () => {
    await testApp.app.inject({ method: 'GET', url: '/test/items/42' });
    await testApp.app.inject({ method: 'GET', url: '/test/items/43?expand=all' });
    const body = await scrape();
    expect(body).toContain(
      'http_request_duration_seconds_count{method="GET",route="/test/items/:id",status_code="200"} 2',
    );
    expect(body).not.toContain('/test/items/42');
  });

  it('puts requests that matched no route under one fixed label', async () => {
    await testApp.app.inject({ method: 'GET', url: '/wp-admin/setup.php' });
    await testApp.app.inject({ method: 'GET', url: '/.env' });
    const body = await scrape();
    expect(body).toContain(
      'http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 2',
    );
    expect(body).not.toContain('wp-admin');
  });

  it('has histogram buckets below one millisecond', async () => {
    const body = await scrape();
    expect(body).toMatch(/http_request_duration_seconds_bucket\{le="0\.0001",/);
    expect(body).toMatch(/http_request_duration_seconds_bucket\{le="0\.0005",/);
  });

  it('includes the Node.js process metrics', async () => {
    const body = await scrape();
    expect(body).toContain('process_cpu_seconds_total');
    expect(body).toContain('nodejs_eventloop_lag_seconds');
  });

  it('answers liveness on the metrics listener, the only listener of the worker', async () => {
    const response = await metricsApp.inject({ method: 'GET', url: '/health/live' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('is not served on the public API port', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(404);
  });

  it('keeps each app on its own registry, so several apps can live in one process', async () => {
    const other = await buildTestApp();
    await other.app.inject({ method: 'GET', url: '/health/live' });
    const otherBody = await other.dependencies.metrics.registry.metrics();
    await other.close();
    expect(otherBody).toContain('route="/health/live"');
    expect(otherBody).not.toContain('/test/items/:id');
  });
});
