// A client span per SQL statement, added to each pooled client when tracing is on (db/pool.ts). pg's Pool.query
// passes a callback to the client's query; transactions await its promise: both are covered.
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type pg from 'pg';

type QueryArguments = unknown[];

function statementOf(first: unknown): string {
  if (typeof first === 'string') return first;
  const text = (first as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text : '';
}

export function traceClientQueries(client: pg.PoolClient): void {
  const tracer = trace.getTracer('billing-service');
  const query = client.query.bind(client) as (...args: QueryArguments) => unknown;
  const traced = (...args: QueryArguments): unknown => {
    const statement = statementOf(args[0]);
    const span = tracer.startSpan(statement.trim().split(/\s+/)[0]?.toUpperCase() || 'query', {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'postgresql', 'db.query.text': statement.slice(0, 2000) },
    });
    const end = (error?: unknown) => {
      if (error !== undefined && error !== null)
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : 'query failed',
        });
      span.end();
    };
    const callbackAt = args.findIndex((argument) => typeof argument === 'function');
    if (callbackAt >= 0) {
      const callback = args[callbackAt] as (error: unknown, result: unknown) => void;
      args[callbackAt] = (error: unknown, result: unknown) => {
        end(error);
        callback(error, result);
      };
      return query(...args);
    }
    const result = query(...args);
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          end();
          return value;
        },
        (error: unknown) => {
          end(error);
          throw error;
        },
      );
    }
    end();
    return result;
  };
  client.query = traced as typeof client.query;
}
