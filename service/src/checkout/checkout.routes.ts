// POST /v1/checkout/sessions: a hosted checkout for one item or a cart (payment) or a subscription.
// GET /v1/checkout/sessions/{id}: where it stands and what it became (what a success page shows).
import { errorResponses, IdempotencyKeyHeader, STRIPE_ERROR_STATUSES } from '../http/api-schemas.js';
import type { AppInstance } from '../http/app-instance.js';
import {
  CheckoutSessionIdParams,
  CheckoutSessionResponse,
  CheckoutSessionState,
  CreateCheckoutBody,
} from './checkout.schemas.js';
import type { CheckoutService } from './checkout.service.js';

export function registerCheckoutRoutes(app: AppInstance, dependencies: { checkout: CheckoutService }): void {
  app.post(
    '/v1/checkout/sessions',
    {
      schema: {
        tags: ['checkout'],
        summary: 'Create (or reuse) a hosted checkout session',
        headers: IdempotencyKeyHeader,
        body: CreateCheckoutBody,
        response: {
          200: CheckoutSessionResponse,
          201: CheckoutSessionResponse,
          ...errorResponses(404, 409, 422, ...STRIPE_ERROR_STATUSES),
        },
      },
    },
    async (request, reply) => {
      const session = await dependencies.checkout.create(request.body);
      return reply.status(session.reused ? 200 : 201).send({
        id: session.id,
        url: session.url,
        expires_at: session.expires_at.toISOString(),
        reused: session.reused,
      });
    },
  );

  app.get(
    '/v1/checkout/sessions/:id',
    {
      schema: {
        tags: ['checkout'],
        summary: 'A checkout session: status, payment status, the order or subscription it became',
        params: CheckoutSessionIdParams,
        response: { 200: CheckoutSessionState, ...errorResponses(404, ...STRIPE_ERROR_STATUSES) },
      },
    },
    async (request) => {
      const state = await dependencies.checkout.getSession(request.params.id);
      return { ...state, expires_at: state.expires_at?.toISOString() ?? null };
    },
  );
}
