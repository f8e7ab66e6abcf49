// product.created: the catalog applies the product unless it holds a newer version (Stripe's `updated` is the
// watermark); customers holding it get their entitlements recomputed, since its features may have changed.
import type { StripeProduct } from '../../stripe/types.js';
import type { EventHandler } from './event-handler.js';
import type { HandlerServices } from './handler-services.js';

export function createProductCreatedHandler(services: HandlerServices): EventHandler {
  return async (event, context) => {
    const product = event.data.object as unknown as StripeProduct;
    await context.recordEffect('catalog.product');
    await services.catalog.applyStripeProduct(product, { client: context.client });
    await context.recordEffect('entitlements.recompute_product');
    await services.entitlements.recomputeForProduct(product.id, { client: context.client });
  };
}
