// product.deleted: the catalog marks it deleted; its holders' entitlements are recomputed.
import type { EventHandler } from './event-handler.js';
import { objectIdOf, type HandlerServices } from './handler-services.js';

export function createProductDeletedHandler(services: HandlerServices): EventHandler {
  return async (event, context) => {
    await context.recordEffect('catalog.product_deleted');
    await services.catalog.markProductDeleted(objectIdOf(event), { client: context.client });
    await context.recordEffect('entitlements.recompute_product');
    await services.entitlements.recomputeForProduct(objectIdOf(event), { client: context.client });
  };
}
