// The API's HTTP listener: address, limits, timeouts, CORS, readiness and shutdown, and how long our API
// remembers an Idempotency-Key.
import { z } from 'zod';
import { integer, milliseconds, originList, port, variable, type ParsedVariables } from './variable-spec.js';

export const httpVariables = {
  HOST: variable({
    schema: z.string().min(1, 'must not be empty'),
    default: '0.0.0.0',
    description:
      'Interface the API listens on: an address (`0.0.0.0`, `::`, `127.0.0.1`). `localhost` binds only one of 127.0.0.1 and ::1.',
  }),
  PORT: variable({
    schema: port,
    default: '8080',
    description: 'Port of the API (0 picks a free port).',
  }),
  HTTP_BODY_LIMIT_BYTES: variable({
    schema: integer(1, 100 * 1024 * 1024),
    default: '1048576',
    description: 'Largest accepted request body; larger bodies get 413.',
  }),
  HTTP_REQUEST_TIMEOUT_MS: variable({
    schema: milliseconds(1),
    default: '30000',
    description: 'Time allowed to receive a whole request (headers and body) before the server answers 408.',
  }),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: variable({
    schema: milliseconds(1),
    default: '65000',
    description:
      'How long an idle keep-alive connection stays open. Keep it above the load balancer idle timeout (60 s on most).',
  }),
  HTTP_CONNECTION_TIMEOUT_MS: variable({
    schema: milliseconds(1),
    default: '70000',
    description:
      'A socket with no activity for this long is closed. Must exceed `HTTP_KEEP_ALIVE_TIMEOUT_MS`.',
  }),
  CORS_ALLOWED_ORIGINS: variable({
    schema: originList,
    default: '',
    description: 'Comma-separated browser origins allowed by CORS. Empty: no cross-origin access.',
  }),
  READINESS_TIMEOUT_MS: variable({
    schema: milliseconds(1),
    default: '2000',
    description: 'Each readiness check fails if it takes longer than this.',
  }),
  SHUTDOWN_TIMEOUT_MS: variable({
    schema: milliseconds(1),
    default: '10000',
    description:
      'On SIGTERM/SIGINT, in-flight requests get this long to finish before their connections are closed.',
  }),
  IDEMPOTENCY_RETENTION_HOURS: variable({
    schema: integer(1, 24 * 30),
    default: '24',
    description: 'How long our API remembers an `Idempotency-Key` and its response.',
  }),
} as const;

export interface HttpConfig {
  http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    connectionTimeoutMs: number;
    corsAllowedOrigins: string[];
  };
  readiness: { timeoutMs: number };
  shutdown: { timeoutMs: number };
  idempotency: { retentionHours: number };
}

type HttpValues = ParsedVariables<typeof httpVariables>;

export function toHttpConfig(values: HttpValues): HttpConfig {
  return {
    http: {
      host: values.HOST,
      port: values.PORT,
      bodyLimitBytes: values.HTTP_BODY_LIMIT_BYTES,
      requestTimeoutMs: values.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: values.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      connectionTimeoutMs: values.HTTP_CONNECTION_TIMEOUT_MS,
      corsAllowedOrigins: values.CORS_ALLOWED_ORIGINS,
    },
    readiness: { timeoutMs: values.READINESS_TIMEOUT_MS },
    shutdown: { timeoutMs: values.SHUTDOWN_TIMEOUT_MS },
    idempotency: { retentionHours: values.IDEMPOTENCY_RETENTION_HOURS },
  };
}

export function findHttpProblems(values: HttpValues): string[] {
  if (values.HTTP_CONNECTION_TIMEOUT_MS <= values.HTTP_KEEP_ALIVE_TIMEOUT_MS) {
    return [
      'HTTP_CONNECTION_TIMEOUT_MS: must be greater than HTTP_KEEP_ALIVE_TIMEOUT_MS, or idle keep-alive connections are cut early',
    ];
  }
  return [];
}
