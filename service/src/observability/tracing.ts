// OpenTelemetry tracing, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set (or a test passes an exporter). When off,
// nothing is registered: the HTTP server, pools, Stripe gateway and worker check one boolean and go on.
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';

const TRACER_NAME = 'billing-service';
let enabled = false;

export interface Tracing {
  enabled: boolean;
  /** Flushes the spans still buffered and unregisters the provider. */
  shutdown: () => Promise<void>;
}

export interface TracingSettings {
  otlpEndpoint: string | undefined;
  serviceName: string;
  /** Tests: spans go to this exporter at once instead of batched to the OTLP endpoint. */
  exporter?: SpanExporter;
}

export function isTracingEnabled(): boolean {
  return enabled;
}

export function startTracing(settings: TracingSettings): Tracing {
  if (settings.exporter === undefined && settings.otlpEndpoint === undefined) {
    return { enabled: false, shutdown: async () => undefined };
  }
  const processor =
    settings.exporter === undefined
      ? new BatchSpanProcessor(
          new OTLPTraceExporter({ url: new URL('/v1/traces', settings.otlpEndpoint).href }),
        )
      : new SimpleSpanProcessor(settings.exporter);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [processor],
  });
  // The AsyncLocalStorage context manager and the W3C traceparent propagator.
  provider.register();
  enabled = true;
  return {
    enabled: true,
    shutdown: async () => {
      enabled = false;
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : { message: JSON.stringify(error) });
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

/** Runs `work` inside a span (a child of the active one); the span records a thrown error. */
export async function inSpan<Result>(
  name: string,
  attributes: Attributes,
  work: () => Promise<Result>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<Result> {
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { kind, attributes });
  try {
    const result = await context.with(trace.setSpan(context.active(), span), work);
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

/** The active span's trace id, for log lines; undefined when no span is active. */
export function activeTraceId(): string | undefined {
  const span = trace.getSpan(context.active());
  return span?.spanContext().traceId;
}
