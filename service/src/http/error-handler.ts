// The one error handler: every failure becomes { "error": { "code", "message", "request_id" } }.
// Validation errors name the field and the rule; 5xx answers never carry stacks, SQL or driver messages.
// renderError and errorBody are shared with the webhook endpoint, which answers ahead of Fastify.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailableError } from '../db/database-errors.js';
import { AppError, errorCodeForStatus, httpStatusByErrorCode, type ErrorCode } from '../errors.js';
import type { AppInstance } from './app-instance.js';
import { logFailedRequest } from './request-log.js';

/** How soon a caller may retry after the database was unreachable: a restart or failover takes seconds. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id: string; param?: string };
}

export interface RenderedError {
  statusCode: number;
  code: ErrorCode;
  message: string;
  param?: string | undefined;
  retryAfterSeconds?: number | undefined;
}

/** Answers an unmatched path that needs a credential (`/v1/…`) with the credential's error, or undefined. */
export type UnmatchedPathGuard = (request: FastifyRequest) => Promise<AppError | undefined>;

export function registerErrorHandler(app: AppInstance, guardUnmatched?: UnmatchedPathGuard): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const rendered = renderError(error);
    logFailedRequest(request.log, error, rendered);
    return sendError(request, reply, rendered);
  });

  // An unauthenticated caller learns nothing about which /v1/ paths exist: 401 comes before 404.
  app.setNotFoundHandler(async (request, reply) => {
    const refusal = guardUnmatched === undefined ? undefined : await guardUnmatched(request);
    if (refusal !== undefined) return sendError(request, reply, renderError(refusal));
    return sendError(request, reply, {
      statusCode: 404,
      code: 'not_found',
      message: `No route for ${request.method} ${request.url.split('?')[0]}`,
    });
  });
}

/** The error shape every failure is answered with. */
export function errorBody(
  rendered: Pick<RenderedError, 'code' | 'message' | 'param'>,
  requestId: string,
): ErrorBody {
  const body: ErrorBody = {
    error: { code: rendered.code, message: rendered.message, request_id: requestId },
  };
  if (rendered.param !== undefined) body.error.param = rendered.param;
  return body;
}

export function sendError(request: FastifyRequest, reply: FastifyReply, rendered: RenderedError) {
  const body = errorBody(rendered, request.id);
  if (rendered.retryAfterSeconds !== undefined) void reply.header('retry-after', rendered.retryAfterSeconds);
  return reply.status(rendered.statusCode).type('application/json; charset=utf-8').send(body);
}

/** What a failure is answered with: an AppError as it says, Fastify's 4xx as they say, anything else 500. */
export function renderError(error: unknown): RenderedError {
  if (error instanceof AppError) {
    return {
      statusCode: httpStatusByErrorCode[error.code],
      code: error.code,
      message: error.message,
      param: error.param,
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  if (isFastifyError(error)) {
    if (error.validation !== undefined) {
      return {
        statusCode: 400,
        code: 'validation_failed',
        message: describeValidationError(error),
        param: firstInvalidParam(error),
      };
    }
    const statusCode = error.statusCode ?? 500;
    // Fastify's own 4xx messages describe the request ("Request body is too large"), never our internals.
    if (statusCode >= 400 && statusCode < 500) {
      return { statusCode, code: errorCodeForStatus(statusCode), message: error.message };
    }
  }
  // A database outage (connection refused or lost, server restarting, out of connections) is not a bug of the
  // request: 503 with Retry-After, on every route, wherever the query ran (a route, a hook, a plugin).
  if (isDatabaseUnavailableError(error)) {
    return {
      statusCode: 503,
      code: 'database_unavailable',
      message: 'The database is unavailable; retry later',
      retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
    };
  }
  return { statusCode: 500, code: 'internal', message: 'Internal server error' };
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && ('statusCode' in error || 'validation' in error);
}

/** "body.email: must match format "email"" — the request part, the JSON path of the field, and the rule. */
function describeValidationError(error: FastifyError): string {
  const context = error.validationContext ?? 'request';
  const problems = (error.validation ?? []).map((issue) => {
    const segments = issue.instancePath.split('/').filter((segment) => segment !== '');
    const missing = issue.params.missingProperty;
    if (typeof missing === 'string') {
      return `${[context, ...segments, missing].join('.')}: is required`;
    }
    return `${[context, ...segments].join('.')}: ${issue.message ?? 'is invalid'}`;
  });
  return problems.length > 0 ? problems.join('; ') : error.message;
}

/** The first invalid field as callers name it: `items[0].quantity` (body fields), `id` (path parameters). */
function firstInvalidParam(error: FastifyError): string | undefined {
  const issue = error.validation?.[0];
  if (issue === undefined) return undefined;
  const segments = issue.instancePath.split('/').filter((segment) => segment !== '');
  const missing = issue.params.missingProperty;
  if (typeof missing === 'string') segments.push(missing);
  if (segments.length === 0) return undefined;
  return segments.reduce(
    (path, segment) =>
      /^\d+$/.test(segment) ? `${path}[${segment}]` : path === '' ? segment : `${path}.${segment}`,
    '',
  );
}
