// price.deleted: the catalog marks the price deleted (checkout refuses it from then on).
import type { EventHandler } from './event-handler.js';
import { objectIdOf, type HandlerServices } from './handler-services.js';

export function createPriceDeletedHandler(services: HandlerServices): EventHandler {
  return async (event, context) => {
    await context.recordEffect('catalog.price_deleted');
    await services.catalog.markPriceDeleted(objectIdOf(event), { client: context.client });
  };
}
