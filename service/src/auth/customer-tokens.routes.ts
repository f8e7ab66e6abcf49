// POST /v1/customer-tokens: a backend (full `billing` key) mints a short-lived token limited to one existing
// customer, to hand to that customer's browser or mobile app.
import { Type } from 'typebox';
import { ExternalId } from '../customers/customers.schemas.js';
import type { CustomersService } from '../customers/customers.service.js';
import type { AppInstance } from '../http/app-instance.js';
import { errorResponses, IdempotencyKeyHeader } from '../http/api-schemas.js';
import {
  DEFAULT_TOKEN_TTL_SECONDS,
  MAX_TOKEN_TTL_SECONDS,
  type CustomerTokensService,
} from './customer-tokens.js';

const CreateCustomerTokenBody = Type.Object(
  {
    customer: ExternalId,
    ttl_seconds: Type.Optional(
      Type.Integer({
        minimum: 60,
        maximum: MAX_TOKEN_TTL_SECONDS,
        description: `Lifetime of the token in seconds (default ${DEFAULT_TOKEN_TTL_SECONDS}).`,
      }),
    ),
  },
  { additionalProperties: false, examples: [{ customer: 'user_42', ttl_seconds: 900 }] },
);

const CustomerTokenResponse = Type.Object(
  {
    token: Type.String({ description: 'Send as `Authorization: Bearer <token>`' }),
    customer: Type.String(),
    expires_at: Type.String({ format: 'date-time' }),
  },
  {
    examples: [
      {
        token: 'bct_eyJjIjoidXNlcl80MiIsImV4cCI6MTc2NDc3NjAwMH0.h5Jm…',
        customer: 'user_42',
        expires_at: '2026-12-03T15:40:00.000Z',
      },
    ],
  },
);

export function registerCustomerTokenRoutes(
  app: AppInstance,
  dependencies: { customerTokens: CustomerTokensService; customers: CustomersService },
): void {
  app.post(
    '/v1/customer-tokens',
    {
      schema: {
        tags: ['customer tokens'],
        summary:
          "A token for one customer's browser or app: it may read that customer's entitlements, subscriptions, orders and invoices and open its portal",
        headers: IdempotencyKeyHeader,
        body: CreateCustomerTokenBody,
        response: { 201: CustomerTokenResponse, ...errorResponses(404, 503) },
      },
    },
    async (request, reply) => {
      const customer = await dependencies.customers.getByExternalId(request.body.customer);
      const minted = dependencies.customerTokens.mint(customer.external_id, request.body.ttl_seconds);
      return reply.status(201).send({
        token: minted.token,
        customer: minted.customer,
        expires_at: minted.expiresAt.toISOString(),
      });
    },
  );
}
