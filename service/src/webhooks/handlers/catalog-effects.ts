// What the product.* and price.* events do. Created and updated apply the newest version of the object (see
// latestVersionEffect: the payload, or Stripe's object — fetched before the transaction — when two events share a
// second, or nothing for an older event); of a price only active, nickname, lookup key and metadata can change. A
// product's features may have changed, so the entitlements of the customers holding it are recomputed. Deleted
// marks the object deleted (checkout refuses it from then on).
import { parseStripePrice, parseStripeProduct } from '../../stripe/event-payloads.js';
import type { StripePrice, StripeProduct } from '../../stripe/stripe-objects.js';
import { latestVersionEffect, objectIdOf, type EventEffect } from './handler-services.js';

/** product.created, product.updated: a product's features may have changed, so its holders are recomputed. */
export const applyProductEvent = latestVersionEffect<StripeProduct>({
  effect: 'catalog.product',
  parse: parseStripeProduct,
  fetch: (services, id) => services.catalog.fetchProduct(id),
  write: (services, context, product) => services.catalog.applyStripeProduct(context.client, product),
  async afterApplied(services, context, id) {
    await context.recordEffect('entitlements.recompute_product');
    await services.entitlements.recomputeForProduct(context.client, id);
  },
});

/** product.deleted: the product is marked deleted; its holders' entitlements are recomputed. */
export const deleteEventProduct: EventEffect = {
  async apply(services, event, context) {
    await context.recordEffect('catalog.product_deleted');
    await services.catalog.markProductDeleted(context.client, objectIdOf(event));
    await context.recordEffect('entitlements.recompute_product');
    await services.entitlements.recomputeForProduct(context.client, objectIdOf(event));
  },
};

/** price.created, price.updated */
export const applyPriceEvent = latestVersionEffect<StripePrice>({
  effect: 'catalog.price',
  parse: parseStripePrice,
  fetch: (services, id) => services.catalog.fetchPrice(id),
  write: (services, context, price) => services.catalog.applyStripePrice(context.client, price),
});

/**
 * price.deleted: the price is applied from the payload first, so that a deletion applied before the price's
 * creation still leaves a deleted row (a deleted price is never revived by a late price.created or price.updated).
 */
export const deleteEventPrice: EventEffect = {
  async apply(services, event, context) {
    await context.recordEffect('catalog.price_deleted');
    await services.catalog.applyStripePrice(context.client, parseStripePrice(event.data.object));
    await services.catalog.markPriceDeleted(context.client, objectIdOf(event));
  },
};
