// Schemas shared by the /v1/ routes: the error body and the standard error responses, for validation,
// serialization and the OpenAPI document.
import { Type, type TSchema } from 'typebox';
import { httpStatusByErrorCode, type ErrorCode } from '../errors.js';

const ERROR_CODES = Object.keys(httpStatusByErrorCode) as ErrorCode[];

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.Enum(ERROR_CODES, {
        description:
          'The closed set of error codes. 503s with `Retry-After`: `database_unavailable`, `service_unavailable`, `stripe_unavailable` (Stripe unreachable or the circuit open), `stripe_rate_limited` (Stripe answered 429), `stripe_rate_budget_exhausted` (our own budget of Stripe calls per second is used up: the call never reached Stripe).',
      }),
      message: Type.String(),
      request_id: Type.String(),
      param: Type.Optional(Type.String()),
    }),
  },
  {
    $id: 'ErrorResponse',
    examples: [
      {
        error: {
          code: 'validation_failed',
          message: 'items[0].quantity: must be at least 1',
          request_id: '0b6c9c1e-6f7e-4a55-9a43-1f0b9a3c2d11',
          param: 'items[0].quantity',
        },
      },
    ],
  },
);

const errorReference = Type.Unsafe<{ error: { code: string; message: string; request_id: string } }>(
  Type.Ref('ErrorResponse'),
);

/** The error responses every authenticated route can give, plus the route's own. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  const all = [400, 401, 403, 429, ...statuses];
  return Object.fromEntries(all.map((status) => [status, errorReference]));
}

/** The upstream errors of routes that call Stripe. */
export const STRIPE_ERROR_STATUSES = [502, 503, 504];

export const IdempotencyKeyHeader = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      description:
        'Makes the POST safe to retry: the same key with the same body returns the stored response (up to 255 characters).',
      examples: ['checkout-7f3e2c1a'],
    }),
  ),
});

/** The query of a list route: `starting_after` (an id the list holds, the last one of the page before), `limit`. */
export function PageQuerystring<Cursor extends TSchema>(cursor: Cursor) {
  return Type.Object({
    starting_after: Type.Optional(cursor),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  });
}
