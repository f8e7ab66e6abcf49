// The services handlers apply events through, and the steps several handlers share.
import type { CatalogService } from '../../catalog/catalog.service.js';
import type { CheckoutService } from '../../checkout/checkout.service.js';
import type { CustomersService } from '../../customers/customers.service.js';
import type { EntitlementsService } from '../../entitlements/entitlements.service.js';
import type { InvoicesService } from '../../invoices/invoices.service.js';
import type { OrdersService } from '../../orders/orders.service.js';
import type { SubscriptionsService } from '../../subscriptions/subscriptions.service.js';
import { applyNewestVersion } from '../../stripe-mirror/object-versions.js';
import type { HandlerContext, StripeEvent } from './event-handler.js';

export interface HandlerServices {
  catalog: CatalogService;
  checkout: CheckoutService;
  customers: CustomersService;
  subscriptions: SubscriptionsService;
  orders: OrdersService;
  invoices: InvoicesService;
  entitlements: EntitlementsService;
}

/** What an event type does, given the services it applies the event through (handler-registry.ts binds them). */
export type EventEffect = (
  services: HandlerServices,
  event: StripeEvent,
  context: HandlerContext,
) => Promise<void>;

/** The id of the event's object (every Stripe object has one, in every API version). */
export function objectIdOf(event: StripeEvent): string {
  const id = event.data.object.id;
  if (typeof id !== 'string' || id.length === 0)
    throw new Error(`${event.type} ${event.id} has no object id`);
  return id;
}

export function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string') {
    return (value as { id: string }).id;
  }
  return null;
}

/**
 * Products, prices and customers are applied from the event's payload, with no Stripe call, when the event is
 * the newest of its object (stripe_object_versions); one of the same second as the event applied is resolved by
 * applying Stripe's current object instead; an older one changes nothing. False when nothing was applied.
 */
export async function applyLatestVersion(
  event: StripeEvent,
  context: HandlerContext,
  effect: string,
  apply: { fromPayload: () => Promise<unknown>; fromStripe: () => Promise<unknown> },
): Promise<boolean> {
  const applied = await applyNewestVersion(context.client, objectIdOf(event), event.created, {
    given: apply.fromPayload,
    current: apply.fromStripe,
  });
  if (applied) await context.recordEffect(effect);
  return applied;
}

/** Refetches the subscription into the mirror, then recomputes its customer's entitlements. */
export async function syncSubscriptionAndEntitlements(
  services: HandlerServices,
  stripeSubscriptionId: string,
  context: HandlerContext,
): Promise<void> {
  await context.recordEffect('subscription.sync');
  const record = await services.subscriptions.syncSubscription(context.client, stripeSubscriptionId);
  if (record?.customer_id != null) {
    await context.recordEffect('entitlements.recompute');
    await services.entitlements.recomputeForCustomer(context.client, record.customer_id);
  }
}

export async function recomputeEntitlementsOf(
  services: HandlerServices,
  customerId: string | null,
  context: HandlerContext,
): Promise<void> {
  if (customerId === null) return;
  await context.recordEffect('entitlements.recompute');
  await services.entitlements.recomputeForCustomer(context.client, customerId);
}
