// price.deleted: the catalog marks the price deleted (checkout refuses it from then on). The price is applied
// from the payload first, so that a deletion applied before the price's creation still leaves a deleted row
// (a deleted price is never revived by a late price.created or price.updated).
import { parseStripePrice } from '../../stripe/event-payloads.js';
import type { EventHandler } from './event-handler.js';
import { objectIdOf, type HandlerServices } from './handler-services.js';

export function createPriceDeletedHandler(services: HandlerServices): EventHandler {
  return async (event, context) => {
    const transaction = { client: context.client };
    await context.recordEffect('catalog.price_deleted');
    await services.catalog.applyStripePrice(parseStripePrice(event.data.object), transaction);
    await services.catalog.markPriceDeleted(objectIdOf(event), transaction);
  };
}
