// What the product.* and price.* events do. Created and updated apply the newest version of the object (see
// applyLatestVersion: the payload, or Stripe's object when two events share a second, or nothing for an older
// event); of a price only active, nickname, lookup key and metadata can change. A product's features may have
// changed, so the entitlements of the customers holding it are recomputed. Deleted marks the object deleted
// (checkout refuses it from then on).
import { parseStripePrice, parseStripeProduct } from '../../stripe/event-payloads.js';
import type { HandlerContext, StripeEvent } from './event-handler.js';
import { applyLatestVersion, objectIdOf, type HandlerServices } from './handler-services.js';

/** product.created, product.updated */
export async function applyProductEvent(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  const product = parseStripeProduct(event.data.object);
  const transaction = { client: context.client };
  const applied = await applyLatestVersion(event, context, 'catalog.product', {
    fromPayload: () => services.catalog.applyStripeProduct(product, transaction),
    fromStripe: () => services.catalog.syncProduct(product.id, transaction),
  });
  if (!applied) return;
  await context.recordEffect('entitlements.recompute_product');
  await services.entitlements.recomputeForProduct(product.id, transaction);
}

/** product.deleted: the product is marked deleted; its holders' entitlements are recomputed. */
export async function deleteEventProduct(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  const transaction = { client: context.client };
  await context.recordEffect('catalog.product_deleted');
  await services.catalog.markProductDeleted(objectIdOf(event), transaction);
  await context.recordEffect('entitlements.recompute_product');
  await services.entitlements.recomputeForProduct(objectIdOf(event), transaction);
}

/** price.created, price.updated */
export async function applyPriceEvent(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  const price = parseStripePrice(event.data.object);
  const transaction = { client: context.client };
  await applyLatestVersion(event, context, 'catalog.price', {
    fromPayload: () => services.catalog.applyStripePrice(price, transaction),
    fromStripe: () => services.catalog.syncPrice(price.id, transaction),
  });
}

/**
 * price.deleted: the price is applied from the payload first, so that a deletion applied before the price's
 * creation still leaves a deleted row (a deleted price is never revived by a late price.created or price.updated).
 */
export async function deleteEventPrice(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  const transaction = { client: context.client };
  await context.recordEffect('catalog.price_deleted');
  await services.catalog.applyStripePrice(parseStripePrice(event.data.object), transaction);
  await services.catalog.markPriceDeleted(objectIdOf(event), transaction);
}
