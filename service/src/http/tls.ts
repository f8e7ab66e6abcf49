// HTTPS served by the service itself: the API server (node:https with TLS 1.2 as the floor when TLS_CERT_FILE
// and TLS_KEY_FILE are set, node:http otherwise), and the certificate reload on SIGHUP or when either file
// changes. A reload swaps the secure context for new handshakes only, so open connections are never dropped; a
// pair that does not load (a half-written renewal, a key of another certificate) is logged and the old one kept.
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import {
  createServer as createHttpServer,
  type RequestListener,
  type Server as HttpServer,
  type ServerOptions,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Logger } from '../observability/logger.js';
import type { Config } from '../config/load-config.js';

export type TlsSettings = NonNullable<Config['http']['tls']>;

function readCredentials(settings: TlsSettings): { cert: Buffer; key: Buffer } {
  // The paths come from configuration, never from a request.
  // eslint-disable-next-line security/detect-non-literal-fs-filename
  const cert = readFileSync(settings.certFile);
  // eslint-disable-next-line security/detect-non-literal-fs-filename
  const key = readFileSync(settings.keyFile);
  return { cert, key };
}

/** node:https's server is an http.Server too (same requests, timeouts and connections): Fastify treats both alike. */
export function createApiServer(
  options: ServerOptions,
  handler: RequestListener,
  tls: TlsSettings | undefined,
): HttpServer {
  if (tls === undefined) return createHttpServer(options, handler);
  return createHttpsServer({ ...options, ...readCredentials(tls), minVersion: 'TLSv1.2' }, handler);
}

/** Reloads the certificate on SIGHUP and on a change of either file; returns the function that stops it. */
export function watchCertificate(apiServer: HttpServer, tls: TlsSettings, logger: Logger): () => void {
  const server = apiServer as unknown as HttpsServer;
  const reload = (reason: string) => {
    try {
      server.setSecureContext({ ...readCredentials(tls), minVersion: 'TLSv1.2' });
      logger.info({ reason, certFile: tls.certFile }, 'TLS certificate reloaded');
    } catch (error) {
      logger.warn({ err: error, reason }, 'TLS certificate not reloaded; still serving the previous one');
    }
  };
  const onSignal = () => reload('SIGHUP');
  const onFileChange = () => reload('file changed');
  process.on('SIGHUP', onSignal);
  for (const file of [tls.certFile, tls.keyFile]) {
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    watchFile(file, { interval: tls.watchIntervalMs, persistent: false }, onFileChange);
  }
  return () => {
    process.removeListener('SIGHUP', onSignal);
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    for (const file of [tls.certFile, tls.keyFile]) unwatchFile(file, onFileChange);
  };
}
