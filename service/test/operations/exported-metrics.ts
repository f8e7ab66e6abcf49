// Every metric name the API and the worker export (their one registry, as built by deps.ts), with the series a
// histogram adds (_bucket, _count, _sum).
import type { MetricObject } from 'prom-client';
import { buildTestApp } from '../../src/test-support/test-app.js';

function seriesOf(metric: MetricObject): string[] {
  const { name } = metric as unknown as { name: string };
  const type = metric.constructor.name;
  if (type === 'Histogram') return [`${name}_bucket`, `${name}_count`, `${name}_sum`];
  if (type === 'Summary') return [name, `${name}_count`, `${name}_sum`];
  return [name];
}

export async function exportedMetricNames(): Promise<Set<string>> {
  const testApp = await buildTestApp({ environment: { LOG_LEVEL: 'silent' } });
  try {
    return new Set(testApp.dependencies.metrics.registry.getMetricsAsArray().flatMap(seriesOf));
  } finally {
    await testApp.close();
  }
}
