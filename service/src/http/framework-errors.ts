// Errors raised before a request reaches our routes, in our shape `{ error: { code, message, request_id } }`
// with an X-Request-Id like every other answer: Fastify's framework errors (a path that is not valid
// percent-encoding, a path parameter over maxParamLength) and node:http's client errors (header overflow,
// request timeout, a malformed request), which Fastify and node would otherwise answer in their own shapes.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorCodeForStatus, httpStatusByErrorCode, type ErrorCode } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { sendError } from './error-handler.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/** Fastify's `frameworkErrors` option: FST_ERR_BAD_URL (400), FST_ERR_MAX_PARAM_LENGTH (414), … */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const statusCode = error.statusCode ?? 400;
  const message =
    error.code === 'FST_ERR_BAD_URL'
      ? 'The request path is not valid percent-encoded UTF-8'
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? 'A path parameter is longer than this API accepts'
        : 'The request could not be routed';
  request.log.info({ code: error.code }, 'request rejected before routing');
  // The onRequest hooks (which echo the request id) have not run for these requests.
  void reply.header(REQUEST_ID_HEADER, request.id);
  void sendError(request, reply, { statusCode, code: errorCodeForStatus(statusCode), message });
}

interface ClientErrorAnswer {
  code: ErrorCode;
  message: string;
}

function answerFor(error: NodeJS.ErrnoException): ClientErrorAnswer {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { code: 'request_timeout', message: 'The request was not received in time' };
    case 'HPE_HEADER_OVERFLOW':
      return { code: 'request_header_fields_too_large', message: 'The request headers are too large' };
    default:
      return { code: 'bad_request', message: 'The request is not valid HTTP' };
  }
}

/**
 * node:http's `clientError`, as Fastify's `clientErrorHandler` option. No request exists yet, so a request id is
 * made for the answer; the connection is closed after it (node:http cannot go on parsing it).
 */
export function createClientErrorHandler(logger: Logger): (error: Error, socket: Duplex) => void {
  return (error: NodeJS.ErrnoException, socket) => {
    // A reset connection has nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const answer = answerFor(error);
    const requestId = randomUUID();
    const statusCode = httpStatusByErrorCode[answer.code];
    // A flood of malformed requests must not become a flood of info lines.
    logger.debug({ request_id: requestId, reason: error.code, statusCode }, 'client error answered');
    if (socket.writable) {
      const body = JSON.stringify({ error: { ...answer, request_id: requestId } });
      socket.write(
        `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? 'Error'}\r\n` +
          'Content-Type: application/json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          `X-Request-Id: ${requestId}\r\n` +
          'Connection: close\r\n\r\n' +
          body,
      );
    }
    socket.destroy(error);
  };
}
