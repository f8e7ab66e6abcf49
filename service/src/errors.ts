// The closed set of error codes the API can answer with, and the one place that maps them to HTTP statuses.
// Services throw AppError; the error handler (http/error-handler.ts) renders it as
// { "error": { "code", "message", "request_id" } }.

export const httpStatusByErrorCode = {
  bad_request: 400,
  validation_failed: 400,
  stripe_invalid_request: 400,
  unauthorized: 401,
  api_key_expired: 401,
  api_key_wrong_mode: 401,
  customer_token_expired: 401,
  payment_failed: 402,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  unprocessable_entity: 422,
  rate_limited: 429,
  request_header_fields_too_large: 431,
  internal: 500,
  upstream_failed: 502,
  service_unavailable: 503,
  database_unavailable: 503,
  stripe_unavailable: 503,
  stripe_rate_limited: 503,
  upstream_timeout: 504,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof httpStatusByErrorCode;

export interface AppErrorOptions {
  cause?: unknown;
  /** The request field the error is about (`items[1].price`), rendered as `error.param`. */
  param?: string | undefined;
  /** Rendered as a `Retry-After` header: when a retry may succeed. */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly param: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options?: AppErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.param = options?.param;
    this.retryAfterSeconds = options?.retryAfterSeconds;
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
    case 408:
      return 'request_timeout';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 414:
      return 'uri_too_long';
    case 415:
      return 'unsupported_media_type';
    case 422:
      return 'unprocessable_entity';
    case 429:
      return 'rate_limited';
    case 431:
      return 'request_header_fields_too_large';
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
