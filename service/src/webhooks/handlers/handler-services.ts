// The services handlers apply events through, what an event type does (fetch from Stripe, then apply in the
// event's transaction), and the steps several handlers share.
import type { CatalogService } from '../../catalog/catalog.service.js';
import type { CheckoutService } from '../../checkout/checkout.service.js';
import type { CustomersService } from '../../customers/customers.service.js';
import type { EntitlementsService } from '../../entitlements/entitlements.service.js';
import type { InvoicesService } from '../../invoices/invoices.service.js';
import type { OrdersService } from '../../orders/orders.service.js';
import type { FetchedSubscription, SubscriptionsService } from '../../subscriptions/subscriptions.service.js';
import { fetchStripeObject, type FetchedObject } from '../../stripe-mirror/object-fetches.js';
import { applyNewestVersion } from '../../stripe-mirror/object-versions.js';
import type { FetchContext, HandlerContext, StripeEvent } from './event-handler.js';

export interface HandlerServices {
  catalog: CatalogService;
  checkout: CheckoutService;
  customers: CustomersService;
  subscriptions: SubscriptionsService;
  orders: OrdersService;
  invoices: InvoicesService;
  entitlements: EntitlementsService;
}

/**
 * What an event type does, given the services it applies the event through (handler-registry.ts binds them):
 * `fetch` asks Stripe for what `apply` needs before the event's transaction opens; `apply` runs in it.
 */
export interface EventEffect<Fetched = undefined> {
  fetch?: (services: HandlerServices, event: StripeEvent, context: FetchContext) => Promise<Fetched>;
  apply: (
    services: HandlerServices,
    event: StripeEvent,
    context: HandlerContext,
    fetched: Fetched,
  ) => Promise<void>;
}

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
 * The effect of an event that carries its object's newest state (product, price and customer created/updated):
 * the object is applied from the event's payload, with no Stripe call, when the event is the newest of its object
 * (stripe_object_versions); one of the same second as the event applied is resolved by applying Stripe's current
 * object instead: the transaction rolls back asking for it, and it is fetched before the next one (`fetch`, only
 * then); an older event changes nothing.
 * `afterApplied` runs in the transaction when something was applied.
 */
export function latestVersionEffect<StripeObject>(spec: {
  effect: string;
  parse: (payload: unknown) => StripeObject;
  fetch: (services: HandlerServices, id: string) => Promise<StripeObject | undefined>;
  write: (services: HandlerServices, context: HandlerContext, object: StripeObject) => Promise<unknown>;
  afterApplied?: (services: HandlerServices, context: HandlerContext, id: string) => Promise<void>;
}): EventEffect<FetchedObject<StripeObject> | undefined> {
  return {
    async fetch(services, event, context) {
      // Only when the transaction asked for it (RefetchRequiredError: one of the same second was applied).
      // Reading the object's version here first would cost every event a query to spare that rare rollback.
      if (!context.refetch) return undefined;
      const id = objectIdOf(event);
      return fetchStripeObject(context.db, id, () => spec.fetch(services, id), { final: context.final });
    },
    async apply(services, event, context, current) {
      const payload = spec.parse(event.data.object);
      const applied = await applyNewestVersion(context.client, objectIdOf(event), event.created, {
        given: () => spec.write(services, context, payload),
        current,
        writeCurrent: (object) => spec.write(services, context, object),
      });
      if (!applied) return;
      await context.recordEffect(spec.effect);
      await spec.afterApplied?.(services, context, objectIdOf(event));
    },
  };
}

/** Stores the fetched subscription into the mirror, then recomputes its customer's entitlements. */
export async function storeSubscriptionAndEntitlements(
  services: HandlerServices,
  fetched: FetchedSubscription,
  context: HandlerContext,
): Promise<void> {
  await context.recordEffect('subscription.sync');
  const record = await services.subscriptions.storeSubscription(context.client, fetched);
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
