// The closed set of error codes the API can answer with, and the one place that maps them to HTTP statuses.
// Services throw AppError; the error handler (http/error-handler.ts) renders it as
// { "error": { "code", "message", "request_id" } }.

export const httpStatusByErrorCode = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable_entity: 422,
  rate_limited: 429,
  internal: 500,
  upstream_failed: 502,
  service_unavailable: 503,
  upstream_timeout: 504,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof httpStatusByErrorCode;

export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }

  get statusCode(): number {
    return httpStatusByErrorCode[this.code];
  }
}

/** The code for an HTTP status raised outside our code (Fastify, plugins), so every answer has a known code. */
export function errorCodeForStatus(statusCode: number): ErrorCode {
  switch (statusCode) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 422:
      return 'unprocessable_entity';
    case 429:
      return 'rate_limited';
    case 502:
      return 'upstream_failed';
    case 503:
      return 'service_unavailable';
    case 504:
      return 'upstream_timeout';
    default:
      return statusCode >= 400 && statusCode < 500 ? 'bad_request' : 'internal';
  }
}
