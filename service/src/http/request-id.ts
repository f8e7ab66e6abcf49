// Request ids: an incoming X-Request-Id is kept when it is safe to log and echo, otherwise we make one.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AppInstance } from './app-instance.js';

export const REQUEST_ID_HEADER = 'x-request-id';

// Letters, digits and a few separators, at most 128 characters: enough for UUIDs, ULIDs and trace ids,
// and nothing that could forge a log line or a header.
const wellFormedRequestId = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function isWellFormedRequestId(value: string): boolean {
  return wellFormedRequestId.test(value);
}

/** Fastify's genReqId: honours the caller's id when well-formed, so one id follows a call across services. */
export function generateRequestId(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  if (typeof incoming === 'string' && isWellFormedRequestId(incoming)) return incoming;
  return randomUUID();
}

/** Echoes the request id on every response, so a caller can quote it. */
export function registerRequestIdHeader(app: AppInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
}
