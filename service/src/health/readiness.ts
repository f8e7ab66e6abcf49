// Readiness: a list of named checks, each bounded by a timeout. The service is ready when every check passes
// and it is not shutting down. deps.ts adds the checks of the parts it builds (e.g. Stripe's circuit).

export interface ReadinessCheck {
  name: string;
  /** Resolves when healthy (optionally with a detail such as a state); rejects with a reason when not. */
  run: () => Promise<void | string>;
  /** An optional check that fails is reported as `warn` and leaves the service ready. */
  optional?: boolean;
}

export interface CheckResult {
  name: string;
  status: 'pass' | 'fail' | 'warn';
  latency_ms: number;
  detail?: string;
  error?: string;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready' | 'shutting_down';
  checks: CheckResult[];
}

export interface Readiness {
  evaluate: () => Promise<ReadinessReport>;
  /** From now on every report is shutting_down, so load balancers stop sending traffic. */
  markShuttingDown: () => void;
  isShuttingDown: () => boolean;
}

export function createReadiness(
  checks: readonly ReadinessCheck[],
  options: { timeoutMs: number },
): Readiness {
  let shuttingDown = false;
  return {
    async evaluate() {
      const results = await Promise.all(checks.map((check) => runCheck(check, options.timeoutMs)));
      if (shuttingDown) return { status: 'shutting_down', checks: results };
      const ready = results.every((result) => result.status !== 'fail');
      return { status: ready ? 'ready' : 'not_ready', checks: results };
    },
    markShuttingDown() {
      shuttingDown = true;
    },
    isShuttingDown: () => shuttingDown,
  };
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const detail = await Promise.race([check.run(), timeout]);
    const result: CheckResult = { name: check.name, status: 'pass', latency_ms: elapsedSince(startedAt) };
    if (typeof detail === 'string') result.detail = detail;
    return result;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const status = check.optional === true ? 'warn' : 'fail';
    return { name: check.name, status, latency_ms: elapsedSince(startedAt), error: reason };
  } finally {
    clearTimeout(timer);
  }
}

function elapsedSince(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 1000) / 1000;
}

/** The report for anonymous callers: each check's name, status and latency, without the reasons (error texts). */
export function withoutDetails(report: ReadinessReport): ReadinessReport {
  return {
    status: report.status,
    checks: report.checks.map(({ name, status, latency_ms }) => ({ name, status, latency_ms })),
  };
}
