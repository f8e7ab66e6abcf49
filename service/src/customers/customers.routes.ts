// POST /v1/customers (201 created, 200 when the external_id exists) and GET /v1/customers/{external_id}.
import { errorResponses, IdempotencyKeyHeader, STRIPE_ERROR_STATUSES } from '../http/api-schemas.js';
import type { AppInstance } from '../http/app-instance.js';
import type { CustomerRow, CustomersService } from './customers.service.js';
import { CreateCustomerBody, CustomerResponse, ExternalIdParams } from './customers.schemas.js';

export function customerView(row: CustomerRow) {
  return {
    id: row.id,
    external_id: row.external_id,
    email: row.email,
    name: row.name,
    metadata: row.metadata,
    stripe_customer_id: row.stripe_customer_id ?? '',
    created_at: row.created_at.toISOString(),
  };
}

export function registerCustomerRoutes(
  app: AppInstance,
  dependencies: { customers: CustomersService },
): void {
  const { customers } = dependencies;

  app.post(
    '/v1/customers',
    {
      schema: {
        tags: ['customers'],
        summary: 'Create a customer, or return the one with this external_id',
        headers: IdempotencyKeyHeader,
        body: CreateCustomerBody,
        response: {
          200: CustomerResponse,
          201: CustomerResponse,
          ...errorResponses(409, 422, ...STRIPE_ERROR_STATUSES),
        },
      },
    },
    async (request, reply) => {
      const { customer, created } = await customers.createOrGet(request.body);
      return reply.status(created ? 201 : 200).send(customerView(customer));
    },
  );

  app.get(
    '/v1/customers/:external_id',
    {
      schema: {
        tags: ['customers'],
        summary: 'Get a customer by external_id',
        params: ExternalIdParams,
        response: { 200: CustomerResponse, ...errorResponses(404) },
      },
    },
    async (request) => customerView(await customers.getByExternalId(request.params.external_id)),
  );
}
