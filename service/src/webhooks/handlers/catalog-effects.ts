// What the product.* and price.* events do. Created and updated apply the newest version of the object (see
// applyLatestVersion: the payload, or Stripe's object — fetched before the transaction — when two events share a
// second, or nothing for an older event); of a price only active, nickname, lookup key and metadata can change. A
// product's features may have changed, so the entitlements of the customers holding it are recomputed. Deleted
// marks the object deleted (checkout refuses it from then on).
import { parseStripePrice, parseStripeProduct } from '../../stripe/event-payloads.js';
import type { StripePrice, StripeProduct } from '../../stripe/stripe-objects.js';
import type { FetchedObject } from '../../stripe-mirror/object-fetches.js';
import {
  applyLatestVersion,
  fetchCurrentIfSameSecond,
  objectIdOf,
  type EventEffect,
} from './handler-services.js';

/** product.created, product.updated */
export const applyProductEvent: EventEffect<FetchedObject<StripeProduct> | undefined> = {
  fetch: (services, event, context) =>
    fetchCurrentIfSameSecond(event, context, (id) => services.catalog.fetchProduct(id)),
  async apply(services, event, context, current) {
    const product = parseStripeProduct(event.data.object);
    const applied = await applyLatestVersion(event, context, 'catalog.product', {
      fromPayload: () => services.catalog.applyStripeProduct(context.client, product),
      current,
      writeCurrent: (object) => services.catalog.applyStripeProduct(context.client, object),
    });
    if (!applied) return;
    await context.recordEffect('entitlements.recompute_product');
    await services.entitlements.recomputeForProduct(context.client, product.id);
  },
};

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
export const applyPriceEvent: EventEffect<FetchedObject<StripePrice> | undefined> = {
  fetch: (services, event, context) =>
    fetchCurrentIfSameSecond(event, context, (id) => services.catalog.fetchPrice(id)),
  async apply(services, event, context, current) {
    const price = parseStripePrice(event.data.object);
    await applyLatestVersion(event, context, 'catalog.price', {
      fromPayload: () => services.catalog.applyStripePrice(context.client, price),
      current,
      writeCurrent: (object) => services.catalog.applyStripePrice(context.client, object),
    });
  },
};

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
