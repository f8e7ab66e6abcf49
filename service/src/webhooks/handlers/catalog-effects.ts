// What product.created/updated and price.created/updated do: apply the newest version of the object (see
// applyLatestVersion: the payload, or Stripe's object when two events share a second, or nothing for an older
// event). A product's features may have changed, so the entitlements of the customers holding it are recomputed.
import { parseStripePrice, parseStripeProduct } from '../../stripe/event-payloads.js';
import type { HandlerContext, StripeEvent } from './event-handler.js';
import { applyLatestVersion, type HandlerServices } from './handler-services.js';

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
