// product.created: the catalog takes the newest version of the product, and the customers holding it get their
// entitlements recomputed (catalog-effects.ts).
import type { EventHandler } from './event-handler.js';
import type { HandlerServices } from './handler-services.js';
import { applyProductEvent } from './catalog-effects.js';

export function createProductCreatedHandler(services: HandlerServices): EventHandler {
  return (event, context) => applyProductEvent(services, event, context);
}
