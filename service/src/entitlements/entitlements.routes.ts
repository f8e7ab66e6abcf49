// GET /v1/entitlements/{external_id}/{feature}: the fast check (the hottest read of the service).
// GET /v1/customers/{external_id}/entitlements: every current entitlement of a customer.
// Both answer from memory through a database outage, for ENTITLEMENTS_MAX_STALENESS_SECONDS, with an
// `Entitlements-Age` header (seconds since the answer was last known correct); fresh answers have none.
import { Type } from 'typebox';
import { errorResponses } from '../http/api-schemas.js';
import type { AppInstance } from '../http/app-instance.js';
import type { FastifyReply } from 'fastify';
import type { EntitlementAnswer, EntitlementsService } from './entitlements.service.js';

export const ENTITLEMENTS_AGE_HEADER = 'entitlements-age';

function sendAnswer<Value>(reply: FastifyReply, answer: EntitlementAnswer<Value>): Value {
  if (answer.ageSeconds !== undefined) void reply.header(ENTITLEMENTS_AGE_HEADER, answer.ageSeconds);
  return answer.value;
}

const externalId = Type.String({ minLength: 1, maxLength: 255, description: 'Your id of the customer' });
const feature = Type.String({ minLength: 1, maxLength: 200, description: 'A feature a product declares' });

const source = Type.Union([
  Type.Object({ type: Type.Union([Type.Literal('subscription'), Type.Literal('order')]), id: Type.String() }),
  Type.Null(),
]);
const checkResponse = Type.Object(
  {
    entitled: Type.Boolean(),
    source,
    expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  {
    examples: [{ entitled: true, source: { type: 'subscription', id: 'sub_123' }, expires_at: null }],
  },
);
const listResponse = Type.Object(
  {
    external_id: Type.String(),
    entitlements: Type.Array(
      Type.Object({
        feature: Type.String(),
        source,
        expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      }),
    ),
  },
  {
    examples: [
      {
        external_id: 'user_42',
        entitlements: [
          { feature: 'audit_log', source: { type: 'subscription', id: 'sub_123' }, expires_at: null },
          {
            feature: 'guide',
            source: { type: 'order', id: '6f1c0e9a-2b7d-4c1e-9a55-0d3b8f4e2a10' },
            expires_at: null,
          },
        ],
      },
    ],
  },
);

export function registerEntitlementRoutes(
  app: AppInstance,
  dependencies: { entitlements: EntitlementsService },
): void {
  app.get(
    '/v1/entitlements/:external_id/:feature',
    {
      // A JSON answer to a server: browser security headers would only add bytes to the hottest route.
      config: { securityHeaders: false },
      schema: {
        tags: ['entitlements'],
        summary: 'Is the customer entitled to the feature now?',
        params: Type.Object({ external_id: externalId, feature }),
        response: { 200: checkResponse, ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      sendAnswer(
        reply,
        await dependencies.entitlements.check(request.params.external_id, request.params.feature),
      ),
  );

  app.get(
    '/v1/customers/:external_id/entitlements',
    {
      schema: {
        tags: ['entitlements'],
        summary: "The customer's current entitlements",
        params: Type.Object({ external_id: externalId }),
        response: { 200: listResponse, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const current = sendAnswer(
        reply,
        await dependencies.entitlements.listCurrent(request.params.external_id),
      );
      return {
        external_id: request.params.external_id,
        entitlements: current.map(({ feature: name, source: from, expires_at }) => ({
          feature: name,
          source: from,
          expires_at,
        })),
      };
    },
  );
}
