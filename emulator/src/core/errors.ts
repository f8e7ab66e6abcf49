// Stripe's error types and the StripeError every module throws, rendered as Stripe's error body.
/**
 * Stripe's error types. The SDK picks its error class from `type` (StripeCardError for card_error,
 * StripeInvalidRequestError for invalid_request_error, …) and from the HTTP status (401 → StripeAuthenticationError,
 * 429 → StripeRateLimitError, 409 with idempotency → StripeIdempotencyError).
 */
export type StripeErrorType =
  | 'api_error'
  | 'card_error'
  | 'idempotency_error'
  | 'invalid_request_error'
  | 'rate_limit_error'
  | 'authentication_error';

export interface StripeErrorFields {
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  payment_intent?: unknown;
  setup_intent?: unknown;
  charge?: string;
}

/** Thrown anywhere in the emulator; the server's error handler renders it as Stripe's `{ error: {...} }` body. */
export class StripeError extends Error {
  constructor(
    readonly statusCode: number,
    readonly type: StripeErrorType,
    message: string,
    readonly fields: StripeErrorFields = {},
  ) {
    super(message);
    this.name = 'StripeError';
  }

  toBody(requestLogUrl?: string): { error: Record<string, unknown> } {
    return {
      error: {
        type: this.type,
        message: this.message,
        ...this.fields,
        ...(requestLogUrl ? { request_log_url: requestLogUrl } : {}),
      },
    };
  }
}

export function invalidRequest(message: string, param?: string, code?: string): StripeError {
  return new StripeError(400, 'invalid_request_error', message, {
    ...(param ? { param } : {}),
    ...(code ? { code } : {}),
  });
}

export function missingParam(param: string): StripeError {
  return invalidRequest(`Missing required param: ${param}.`, param, 'parameter_missing');
}

export function resourceMissing(objectName: string, id: string, param = 'id'): StripeError {
  return new StripeError(404, 'invalid_request_error', `No such ${objectName}: '${id}'`, {
    code: 'resource_missing',
    param,
  });
}

export function cardDeclined(message: string, declineCode: string, code = 'card_declined'): StripeError {
  return new StripeError(402, 'card_error', message, { code, decline_code: declineCode });
}

/**
 * Whether an error says the request's parameters failed validation (a 400 `invalid_request_error` naming the
 * `param` at fault), as opposed to a failure of the operation itself (a state conflict, a decline). Stripe saves no
 * idempotent result for the former, since the endpoint never started executing: the same key may be retried with
 * corrected parameters.
 */
export function isParamValidationError(error: StripeError): boolean {
  return (
    error.statusCode === 400 && error.type === 'invalid_request_error' && error.fields.param !== undefined
  );
}
