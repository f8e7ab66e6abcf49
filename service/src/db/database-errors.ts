// What a PostgreSQL failure means for the caller, decided in one place: the database is unreachable (connection
// refused or lost, server shutting down or starting, out of connections: retry later, 503), or it refused a value
// (SQLSTATE class 22, data exception: that request is wrong, not the database).

// SQLSTATE classes and codes that mean "the server cannot serve now", not "the query is wrong".
const unavailableSqlStates = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, a restart)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovery)
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
  '25006', // read_only_sql_transaction (a failover left us on a standby)
]);

// Socket-level failures of the driver (Node's errno codes).
const unavailableErrnoCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

// pg's own errors for a lost or unobtainable connection carry no code, only these messages.
const unavailableMessages = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'terminating connection',
  'the database system is',
];

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function isUnavailableItself(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined) {
    if (unavailableSqlStates.has(code) || code.startsWith('08')) return true;
    if (unavailableErrnoCodes.has(code)) return true;
  }
  if (error instanceof AggregateError) return error.errors.some(isUnavailableItself);
  return error instanceof Error && unavailableMessages.some((message) => error.message.includes(message));
}

/** True when the error (or one of its causes) says PostgreSQL cannot be reached or cannot serve now. */
export function isDatabaseUnavailableError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    if (isUnavailableItself(current)) return true;
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}

/** True when PostgreSQL refused a value of the statement (SQLSTATE class 22: bad encoding, out of range, …). */
export function isRefusedValueError(error: unknown): boolean {
  return codeOf(error)?.startsWith('22') === true;
}
