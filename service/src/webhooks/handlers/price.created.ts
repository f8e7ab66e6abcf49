// price.created: the catalog applies the price (its mutable fields: active, nickname, lookup key, metadata).
import type { StripePrice } from '../../stripe/types.js';
import type { EventHandler } from './event-handler.js';
import type { HandlerServices } from './handler-services.js';

export function createPriceCreatedHandler(services: HandlerServices): EventHandler {
  return async (event, context) => {
    await context.recordEffect('catalog.price');
    await services.catalog.applyStripePrice(event.data.object as unknown as StripePrice, {
      client: context.client,
    });
  };
}
