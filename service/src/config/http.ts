// The API's HTTP listener: address, TLS and the proxy in front, limits, timeouts, CORS, the docs, readiness and
// shutdown, and how long our API remembers an Idempotency-Key.
import { isIP } from 'node:net';
import { z } from 'zod';
import type { NodeEnvValues } from './node-env.js';
import {
  booleanFlag,
  integer,
  milliseconds,
  originList,
  port,
  variable,
  type ParsedVariables,
} from './variable-spec.js';

/** Fastify's trustProxy: false, true (any proxy), a hop count, or the proxies' addresses and CIDR ranges. */
export type TrustProxy = boolean | number | string[];

const trustProxy = z.string().transform((value, context): TrustProxy => {
  const text = value.trim();
  if (text === 'false' || text === '0') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((item) => item.trim());
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address);
    const bitsValid = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (family === 0 || !bitsValid) {
      context.addIssue({
        code: 'custom',
        message: `"${entry}" is not true, false, a hop count, an IP address or a CIDR range`,
      });
    }
  }
  return entries;
});

const optionalPath = z.string().min(1).optional();

export const httpVariables = {
  HOST: variable({
    schema: z.string().min(1, 'must not be empty').optional(),
    default: undefined,
    description:
      'Interface the API listens on: an address (`0.0.0.0`, `::`, `127.0.0.1`). `localhost` binds only one of 127.0.0.1 and ::1. Unset: `0.0.0.0` when NODE_ENV=production, `127.0.0.1` otherwise (a development machine does not serve its network).',
  }),
  PORT: variable({
    schema: port,
    default: '8080',
    description: 'Port of the API (0 picks a free port).',
  }),
  TLS_CERT_FILE: variable({
    schema: optionalPath,
    default: undefined,
    description:
      'PEM certificate chain: with `TLS_KEY_FILE`, the API serves HTTPS itself (TLS 1.2 or later). Reloaded on SIGHUP and when the file changes, without dropping connections.',
  }),
  TLS_KEY_FILE: variable({
    schema: optionalPath,
    default: undefined,
    description: 'PEM private key of `TLS_CERT_FILE`.',
  }),
  TLS_WATCH_INTERVAL_MS: variable({
    schema: milliseconds(50),
    default: '5000',
    description:
      'How often the certificate files are checked for a change (polling, so a replaced or re-linked file is seen too).',
  }),
  TRUST_PROXY: variable({
    schema: trustProxy,
    default: 'false',
    description:
      "Trust `X-Forwarded-For`/`-Proto`/`-Host` from a proxy in front (Fastify's trustProxy): `true`, a hop count, or the proxies' addresses and CIDR ranges, comma-separated. HSTS is sent for requests that arrived over HTTPS, directly or as the trusted proxy says.",
  }),
  DOCS_ENABLED: variable({
    schema: booleanFlag.optional(),
    default: undefined,
    description:
      'Serve the OpenAPI document and UI at `/docs` and `/docs/json`. Unset: on outside production, off in production.',
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
    /** Both set: the API serves HTTPS. */
    tls: { certFile: string; keyFile: string; watchIntervalMs: number } | undefined;
    trustProxy: TrustProxy;
    docsEnabled: boolean;
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

export function toHttpConfig(values: HttpValues & NodeEnvValues): HttpConfig {
  const production = values.NODE_ENV === 'production';
  return {
    http: {
      host: values.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
      port: values.PORT,
      tls:
        values.TLS_CERT_FILE !== undefined && values.TLS_KEY_FILE !== undefined
          ? {
              certFile: values.TLS_CERT_FILE,
              keyFile: values.TLS_KEY_FILE,
              watchIntervalMs: values.TLS_WATCH_INTERVAL_MS,
            }
          : undefined,
      trustProxy: values.TRUST_PROXY,
      docsEnabled: values.DOCS_ENABLED ?? !production,
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
  const problems: string[] = [];
  if (values.HTTP_CONNECTION_TIMEOUT_MS <= values.HTTP_KEEP_ALIVE_TIMEOUT_MS) {
    problems.push(
      'HTTP_CONNECTION_TIMEOUT_MS: must be greater than HTTP_KEEP_ALIVE_TIMEOUT_MS, or idle keep-alive connections are cut early',
    );
  }
  if ((values.TLS_CERT_FILE === undefined) !== (values.TLS_KEY_FILE === undefined)) {
    problems.push('TLS_CERT_FILE, TLS_KEY_FILE: set both (HTTPS) or neither (plain HTTP)');
  }
  return problems;
}
