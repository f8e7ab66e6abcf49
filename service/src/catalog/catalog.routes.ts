// GET /v1/catalog: active products with their active prices and features. POST /v1/catalog/sync (admin).
import { errorResponses, STRIPE_ERROR_STATUSES } from '../http/api-schemas.js';
import type { AppInstance } from '../http/app-instance.js';
import { CatalogResponse, CatalogSyncResponse } from './catalog.schemas.js';
import type { CatalogService } from './catalog.service.js';

export function registerCatalogRoutes(app: AppInstance, dependencies: { catalog: CatalogService }): void {
  const { catalog } = dependencies;

  app.get(
    '/v1/catalog',
    {
      schema: {
        tags: ['catalog'],
        summary: 'List active products with their active prices',
        response: { 200: CatalogResponse, ...errorResponses() },
      },
    },
    async () => {
      const products = await catalog.listCatalog();
      return {
        data: products.map((product) => ({
          id: product.id,
          name: product.name,
          description: product.description,
          features: product.features,
          metadata: product.metadata,
          prices: product.prices.map((price) => ({
            id: price.id,
            lookup_key: price.lookup_key,
            nickname: price.nickname,
            currency: price.currency,
            unit_amount: price.unit_amount === null ? null : Number(price.unit_amount),
            type: price.type,
            recurring:
              price.recurring_interval === null
                ? null
                : { interval: price.recurring_interval, interval_count: price.recurring_interval_count ?? 1 },
          })),
        })),
      };
    },
  );

  app.post(
    '/v1/catalog/sync',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Copy every product and price from Stripe now (admin)',
        description:
          '409 `conflict` when the configured Stripe is not the account this database mirrors, or when its ' +
          'listing shares no product or price with the mirror (nothing is then marked deleted).',
        response: { 200: CatalogSyncResponse, ...errorResponses(409, ...STRIPE_ERROR_STATUSES) },
      },
    },
    async () => catalog.syncFromStripe(),
  );
}
