// The application backend of a chaos run: calls our API on whichever API process is up (round robin), retries
// 5xx answers and dropped connections with the same Idempotency-Key as a careful client does, and reports every
// attempt (route, status or transport error, latency) to a sink.
import type { ProcessSlot } from './service-processes.js';

export interface ResponseRecord {
  /** The route template, e.g. `POST /v1/checkout/sessions`. */
  route: string;
  /** HTTP status, or 0 for a transport error (refused, reset, timeout). */
  status: number;
  startedAt: number;
  latencyMs: number;
  api: string;
}

export interface CallResult {
  status: number;
  body: unknown;
}

export interface BillingClient {
  call: (
    method: 'GET' | 'POST',
    path: string,
    route: string,
    options?: { body?: unknown; idempotencyKey?: string; retries?: number },
  ) => Promise<CallResult>;
}

export function createBillingClient(options: {
  apis: ProcessSlot[];
  apiKey: string;
  onResponse: (record: ResponseRecord) => void;
  /** Stops retrying and waiting for an API once this says so (the run is over). */
  isStopping?: () => boolean;
}): BillingClient {
  let turn = 0;
  const pickApi = async (): Promise<ProcessSlot | undefined> => {
    for (let waited = 0; waited < 30_000; waited += 100) {
      const up = options.apis.filter((api) => api.isUp());
      if (up.length > 0) return up[turn++ % up.length];
      if (options.isStopping?.() === true) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return undefined;
  };

  return { call: attempts };

  async function attempts(
    method: 'GET' | 'POST',
    path: string,
    route: string,
    callOptions: { body?: unknown; idempotencyKey?: string; retries?: number } = {},
  ): Promise<CallResult> {
    const retries = callOptions.retries ?? 6;
    let last: CallResult = { status: 0, body: undefined };
    let conflicts = 0;
    for (let attempt = 0; attempt <= retries; attempt += 1) {
      const target = await pickApi();
      if (target === undefined) return last;
      const startedAt = Date.now();
      const started = performance.now();
      let status = 0;
      let body: unknown;
      try {
        const response = await fetch(`http://127.0.0.1:${target.port}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${options.apiKey}`,
            ...(callOptions.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(callOptions.idempotencyKey === undefined
              ? {}
              : { 'idempotency-key': callOptions.idempotencyKey }),
          },
          ...(callOptions.body === undefined ? {} : { body: JSON.stringify(callOptions.body) }),
          signal: AbortSignal.timeout(30_000),
        });
        status = response.status;
        const text = await response.text();
        body = text === '' ? undefined : (JSON.parse(text) as unknown);
      } catch {
        status = 0;
      }
      options.onResponse({
        route,
        status,
        startedAt,
        latencyMs: performance.now() - started,
        api: target.name,
      });
      last = { status, body };
      // A request with the same key still running (or held by a killed process, until it is taken over after
      // 2 minutes) answers 409: wait a little, a few times. Other answers below 500 are final.
      const stillRunning = status === 409 && JSON.stringify(body).includes('still running');
      if (stillRunning && conflicts < 3) {
        conflicts += 1;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      if (status !== 0 && status < 500) return last;
      if (options.isStopping?.() === true) return last;
      await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
    }
    return last;
  }
}
