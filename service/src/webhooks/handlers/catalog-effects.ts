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
  const applied = await applyLatestVersion(event, context, 'catalog.product', {
    fromPayload: () => services.catalog.applyStripeProduct(context.client, product),
    fromStripe: () => services.catalog.syncProduct(context.client, product.id),
  });
  if (!applied) return;
  await context.recordEffect('entitlements.recompute_product');
  await services.entitlements.recomputeForProduct(context.client, product.id);
}

/** product.deleted: the product is marked deleted; its holders' entitlements are recomputed. */
export async function deleteEventProduct(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  await context.recordEffect('catalog.product_deleted');
  await services.catalog.markProductDeleted(context.client, objectIdOf(event));
  await context.recordEffect('entitlements.recompute_product');
  await services.entitlements.recomputeForProduct(context.client, objectIdOf(event));
}

/** price.created, price.updated */
export async function applyPriceEvent(
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
): Promise<void> {
  const price = parseStripePrice(event.data.object);
  await applyLatestVersion(event, context, 'catalog.price', {
    fromPayload: () => services.catalog.applyStripePrice(context.client, price),
    fromStripe: () => services.catalog.syncPrice(context.client, price.id),
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
  await context.recordEffect('catalog.price_deleted');
  await services.catalog.applyStripePrice(context.client, parseStripePrice(event.data.object));
  await services.catalog.markPriceDeleted(context.client, objectIdOf(event));
}
