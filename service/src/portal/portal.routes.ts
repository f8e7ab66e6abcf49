// POST /v1/portal/sessions: a Stripe customer portal session for one customer.
import { Type } from 'typebox';
import { ExternalId } from '../customers/customers.schemas.js';
import { errorResponses, IdempotencyKeyHeader, STRIPE_ERROR_STATUSES } from '../http/api-schemas.js';
import type { AppInstance } from '../http/app-instance.js';
import { DEFAULT_DEV_ORIGIN, devAccountUrl } from '../dev/return-page-urls.js';
import type { PortalService } from './portal.service.js';

const CreatePortalBody = Type.Object(
  {
    customer: ExternalId,
    return_url: Type.String({
      maxLength: 2048,
      description:
        "Where the portal's return link leads; its origin must be in ALLOWED_REDIRECT_ORIGINS. In development, `/dev/account?customer=<external_id>` on this API shows the customer's billing state.",
    }),
  },
  {
    additionalProperties: false,
    // The development account page `npm start` serves, so "Try it out" in /docs works on its defaults.
    examples: [{ customer: 'user_42', return_url: devAccountUrl(DEFAULT_DEV_ORIGIN, 'user_42') }],
  },
);

const PortalSessionResponse = Type.Object(
  { url: Type.String({ description: 'Send the customer here' }) },
  { examples: [{ url: 'https://billing.stripe.com/p/session/test_YWNjdF8x' }] },
);

export function registerPortalRoutes(app: AppInstance, dependencies: { portal: PortalService }): void {
  app.post(
    '/v1/portal/sessions',
    {
      schema: {
        tags: ['portal'],
        summary: 'Open the Stripe customer portal for a customer',
        headers: IdempotencyKeyHeader,
        body: CreatePortalBody,
        response: { 201: PortalSessionResponse, ...errorResponses(404, 409, 422, ...STRIPE_ERROR_STATUSES) },
      },
    },
    async (request, reply) => reply.status(201).send(await dependencies.portal.createSession(request.body)),
  );
}
