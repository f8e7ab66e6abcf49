// Logs, metrics and traces: the log level (pretty logs follow NODE_ENV), the separate metrics listener, and the
// OpenTelemetry exporter (tracing is on only when its endpoint is set).
import { z } from 'zod';
import type { NodeEnvValues } from './node-env.js';
import { optionalUrl, port, variable, type ParsedVariables } from './variable-spec.js';

export const observabilityVariables = {
  METRICS_HOST: variable({
    schema: z.string().min(1, 'must not be empty'),
    default: '127.0.0.1',
    description:
      'Interface of the separate metrics listener. Loopback by default so metrics are never public; set `0.0.0.0` where Prometheus scrapes the pod.',
  }),
  METRICS_PORT: variable({
    schema: port,
    default: '9464',
    description: 'Port of the separate listener that serves `GET /metrics` (0 picks a free port).',
  }),
  LOG_LEVEL: variable({
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
    default: 'info',
    description: 'Lowest pino log level written.',
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: variable({
    schema: optionalUrl(/^https?:$/, 'must be an http:// or https:// URL'),
    default: undefined,
    description:
      'OpenTelemetry collector base URL (OTLP over HTTP; spans go to `<url>/v1/traces`). Unset: no tracing, at no cost.',
  }),
  OTEL_SERVICE_NAME: variable({
    schema: z.string().min(1, 'must not be empty'),
    default: 'billing-service',
    description: 'The `service.name` of the spans; the worker reports `<name>-worker`.',
  }),
} as const;

type ObservabilityValues = ParsedVariables<typeof observabilityVariables>;

export type LogLevel = ObservabilityValues['LOG_LEVEL'];

export interface ObservabilityConfig {
  metrics: { host: string; port: number };
  log: { level: LogLevel; pretty: boolean };
  tracing: { otlpEndpoint: string | undefined; serviceName: string };
}

export function toObservabilityConfig(values: ObservabilityValues & NodeEnvValues): ObservabilityConfig {
  return {
    metrics: { host: values.METRICS_HOST, port: values.METRICS_PORT },
    log: { level: values.LOG_LEVEL, pretty: values.NODE_ENV === 'development' },
    tracing: { otlpEndpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: values.OTEL_SERVICE_NAME },
  };
}
