// price.created: the catalog takes the newest version of the price (catalog-effects.ts); of a price only active,
// nickname, lookup key and metadata can change.
import type { EventHandler } from './event-handler.js';
import type { HandlerServices } from './handler-services.js';
import { applyPriceEvent } from './catalog-effects.js';

export function createPriceCreatedHandler(services: HandlerServices): EventHandler {
  return (event, context) => applyPriceEvent(services, event, context);
}
