// The process logger: pino JSON on stdout (in development one readable line per record instead), with secrets
// masked in every line.
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import type { LogLevel } from '../config/observability.js';
import { REDACTED, redactCredentialShapes } from './credential-redaction.js';
import { formatPrettyLogLine } from './pretty-log-line.js';

export type { Logger } from 'pino';
export { REDACTED } from './credential-redaction.js';

export interface LoggerOptions {
  level: LogLevel;
  pretty: boolean;
  /** Values masked wherever they appear in a line: in messages, error texts, nested fields. */
  secrets: readonly string[];
}

// Header and field names that carry credentials; pino removes them by path before serialisation.
const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.apiKey',
  '*.secret',
];

export function createLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  const maskSecrets = createSecretMasker(options.secrets);
  const pinoOptions: pino.LoggerOptions = {
    level: options.level,
    base: { service: 'billing-service', pid: process.pid, hostname: hostname() },
    redact: { paths: redactedPaths, censor: REDACTED },
    // Paths cannot catch a password inside a connection string or an error message, nor a key in a URL;
    // masking the finished line can. It runs once per written line.
    hooks: { streamWrite: (line) => redactCredentialShapes(maskSecrets(line)) },
  };
  if (options.pretty) return pino(pinoOptions, createPrettyStream(destination));
  if (destination !== undefined) return pino(pinoOptions, destination);
  return pino(pinoOptions);
}

/**
 * pino-pretty in the main thread rather than as a transport, because its messageFormat is a function (a
 * transport's options must be serialisable). It is a development dependency, so it is loaded only here.
 */
function createPrettyStream(destination: DestinationStream | undefined): DestinationStream {
  const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pinoPretty({
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    hideObject: true,
    messageFormat: (record) => formatPrettyLogLine(record),
    colorize: destination === undefined ? pinoPretty.isColorSupported : false,
    // Written at once, so the lines keep their order with what the launcher prints to stdout itself.
    sync: true,
    ...(destination === undefined ? {} : { destination }),
  });
}

/** Replaces each secret, raw and as it appears JSON-escaped, by [REDACTED]. */
export function createSecretMasker(secrets: readonly string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    // Very short values would mask ordinary words; configured secrets are long, so skip the degenerate ones.
    if (secret.length < 4) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first, so a secret that contains another is masked whole.
  const ordered = [...forms].sort((left, right) => right.length - left.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => {
    let masked = text;
    for (const form of ordered) masked = masked.replaceAll(form, REDACTED);
    return masked;
  };
}
