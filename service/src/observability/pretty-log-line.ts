// How one log record reads in development (pino-pretty's messageFormat): a request as
// `POST /v1/checkout/sessions 201 12ms req=…`, anything else as its message followed by key=value fields, all
// on one line; only an error's stack takes the lines below it.

type LogRecord = Record<string, unknown>;

/** Fields every record carries that say nothing in a terminal (pino's own, and the process's identity). */
const hiddenFields = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service']);

/** What http/request-log.ts writes for each answered request. */
interface CompletedRequest {
  req: { method: string; url: string };
  res: { statusCode: number };
  responseTime: number;
}

export function formatPrettyLogLine(record: LogRecord): string {
  const requestId = typeof record.request_id === 'string' ? ` req=${record.request_id}` : '';
  if (isCompletedRequest(record)) {
    const { req, res, responseTime } = record;
    return `${req.method} ${req.url} ${res.statusCode} ${formatDuration(responseTime)}${requestId}`;
  }
  const fields: string[] = [];
  let stack = '';
  for (const [key, value] of Object.entries(record)) {
    if (hiddenFields.has(key) || key === 'request_id' || value === undefined) continue;
    if (key === 'err' && isSerializedError(value)) {
      stack = `\n${indent(value.stack)}`;
      fields.push(`err=${formatValue(value.message)}`);
      continue;
    }
    fields.push(`${key}=${formatValue(value)}`);
  }
  const message = typeof record.msg === 'string' ? record.msg : '';
  return [message, ...fields].join(' ') + requestId + stack;
}

function isCompletedRequest(record: LogRecord): record is LogRecord & CompletedRequest {
  const { req, res, responseTime } = record as Partial<Record<keyof CompletedRequest, unknown>>;
  return (
    typeof responseTime === 'number' &&
    typeof req === 'object' &&
    req !== null &&
    'method' in req &&
    typeof res === 'object' &&
    res !== null &&
    'statusCode' in res
  );
}

function isSerializedError(value: unknown): value is { message: string; stack: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string' &&
    typeof (value as { stack?: unknown }).stack === 'string'
  );
}

function formatDuration(milliseconds: number): string {
  return milliseconds < 10 ? `${milliseconds.toFixed(1)}ms` : `${Math.round(milliseconds)}ms`;
}

/** Plain words stay bare; text with spaces, quotes or `=` is quoted; objects and arrays are compact JSON. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
