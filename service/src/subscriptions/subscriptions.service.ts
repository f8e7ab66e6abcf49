// The subscriptions mirror. A subscription is fetched from Stripe first, with no transaction open, then stored
// with its items in a transaction that locks it and keeps the newest fetch (stripe-mirror/object-fetches.ts): of
// two concurrent syncs, one that fetched earlier never overwrites a later one's state.
import {
  claimNewestFetch,
  fetchStripeObject,
  fetchThenStore,
  type FetchedObject,
} from '../stripe-mirror/object-fetches.js';
import { forEachStripePage } from '../stripe/stripe-list-paging.js';
import type { Pool, PoolClient } from '../db/pool.js';
import type { StripeSubscription } from '../stripe/stripe-objects.js';
import type { CustomersService } from '../customers/customers.service.js';
import { AppError } from '../errors.js';
import { unlessNotFound } from '../stripe/call-outcomes.js';
import type { StripeGateway } from '../stripe/gateway.js';
import * as repo from './subscriptions.repo.js';
import type { SubscriptionItemRow, SubscriptionRow } from './subscriptions.repo.js';
import type { OutboxService } from '../outbox/outbox.service.js';
import { subscriptionEventData, subscriptionEventType } from './subscription-events.js';
import { subscriptionInputOf, subscriptionItemsOf } from './subscription-snapshot.js';

export interface SubscriptionRecord extends SubscriptionRow {
  items: SubscriptionItemRow[];
  product_ids: string[];
}

export type FetchedSubscription = FetchedObject<StripeSubscription>;

export interface SubscriptionsService {
  /** Fetches one subscription from Stripe; call it before the transaction that stores it. */
  fetchSubscription: (
    stripeSubscriptionId: string,
    options?: { final?: boolean },
  ) => Promise<FetchedSubscription>;
  /**
   * Stores a fetched subscription under its lock, in the caller's transaction, unless a newer fetch was stored
   * meanwhile; answers what the mirror holds then (undefined when Stripe does not know it: nothing changes).
   * Throws RefetchRequiredError when another fetch overlapped this one (fetch again, store again).
   */
  storeSubscription: (
    client: PoolClient,
    fetched: FetchedSubscription,
  ) => Promise<SubscriptionRecord | undefined>;
  /** Fetches one subscription, then stores it in a transaction of its own. */
  refreshSubscription: (stripeSubscriptionId: string) => Promise<SubscriptionRecord | undefined>;
  /** Pulls every subscription of a customer from Stripe (repair or backfill; webhooks keep it current). */
  syncCustomerSubscriptions: (stripeCustomerId: string) => Promise<number>;
  listForCustomer: (customerId: string) => Promise<SubscriptionRecord[]>;
  /** Ours, from the mirror (synced from Stripe first if the mirror does not have it yet). */
  getOwned: (stripeSubscriptionId: string) => Promise<SubscriptionRecord>;
  /** The external_id of the customer owning the subscription in the mirror (no Stripe call); else undefined. */
  findCustomerOf: (stripeSubscriptionId: string) => Promise<string | undefined>;
  /** Which of the products the customer holds through a live subscription, and through which. */
  findHeldProducts: (
    customerId: string,
    productIds: string[],
  ) => Promise<Array<{ stripe_product_id: string; stripe_subscription_id: string }>>;
}

const itemKeys = (items: Array<Pick<SubscriptionItemRow, 'stripe_price_id' | 'quantity'>>) =>
  items.map((item) => `${item.stripe_price_id}:${item.quantity}`).sort();

function recordOf(row: SubscriptionRow, items: SubscriptionItemRow[]): SubscriptionRecord {
  return { ...row, items, product_ids: [...new Set(items.map((item) => item.stripe_product_id))] };
}

export function createSubscriptionsService(options: {
  pool: Pool;
  stripe: StripeGateway;
  customers: CustomersService;
  outbox: Pick<OutboxService, 'append' | 'lockCustomer'>;
}): SubscriptionsService {
  const { pool, stripe, customers } = options;

  const fetchSubscription = (stripeSubscriptionId: string, fetchOptions: { final?: boolean } = {}) =>
    fetchStripeObject(
      pool,
      stripeSubscriptionId,
      () => unlessNotFound(stripe.retrieveSubscription(stripeSubscriptionId)),
      fetchOptions,
    );

  async function storedRecord(
    client: PoolClient,
    stripeSubscriptionId: string,
  ): Promise<SubscriptionRecord | undefined> {
    const row = await repo.findSubscriptionByStripeId(client, stripeSubscriptionId);
    return row === undefined
      ? undefined
      : recordOf(row, await repo.listItemsOfSubscriptions(client, [row.id]));
  }

  async function storeSubscription(
    client: PoolClient,
    fetched: FetchedSubscription,
  ): Promise<SubscriptionRecord | undefined> {
    const subscription = fetched.object;
    if (subscription === undefined) return undefined;
    const stripeCustomerId =
      typeof subscription.customer === 'string' ? subscription.customer : subscription.customer.id;
    const customer = await customers.findByStripeCustomerId(client, stripeCustomerId);
    // The customer's lock before the subscription's, as every writer of a customer's state takes them.
    if (customer !== undefined) await options.outbox.lockCustomer(client, customer.id);
    // Locks the subscription until commit; false: a later fetch is stored already, and stays.
    if (!(await claimNewestFetch(client, fetched))) return storedRecord(client, subscription.id);
    const previous = await repo.findSubscriptionByStripeId(client, subscription.id);
    const previousItems =
      previous === undefined ? [] : await repo.listItemsOfSubscriptions(client, [previous.id]);
    const row = await repo.upsertSubscription(
      client,
      subscriptionInputOf(subscription, customer?.id ?? null),
    );
    const items = subscriptionItemsOf(subscription);
    await repo.replaceSubscriptionItems(client, row.id, items);
    const itemsChanged = JSON.stringify(itemKeys(previousItems)) !== JSON.stringify(itemKeys(items));
    const type = subscriptionEventType(previous, row, itemsChanged);
    if (type !== undefined && row.customer_id !== null) {
      await options.outbox.append(client, {
        customerId: row.customer_id,
        type,
        data: subscriptionEventData(row, items),
      });
    }
    return recordOf(row, items);
  }

  const refreshSubscription = (stripeSubscriptionId: string) =>
    fetchThenStore(
      pool,
      stripeSubscriptionId,
      () => unlessNotFound(stripe.retrieveSubscription(stripeSubscriptionId)),
      storeSubscription,
    );

  return {
    fetchSubscription,
    storeSubscription,
    refreshSubscription,

    async syncCustomerSubscriptions(stripeCustomerId) {
      let count = 0;
      await forEachStripePage(
        (request) => stripe.listSubscriptions({ ...request, customer: stripeCustomerId }),
        async (subscriptions) => {
          for (const subscription of subscriptions) {
            await refreshSubscription(subscription.id);
            count += 1;
          }
        },
      );
      return count;
    },

    async listForCustomer(customerId) {
      const rows = await repo.listSubscriptionsOfCustomer(pool, customerId);
      const items = await repo.listItemsOfSubscriptions(
        pool,
        rows.map((row) => row.id),
      );
      return rows.map((row) =>
        recordOf(
          row,
          items.filter((item) => item.subscription_id === row.id),
        ),
      );
    },

    findCustomerOf: (stripeSubscriptionId) =>
      repo.findCustomerExternalIdOfSubscription(pool, stripeSubscriptionId),

    async getOwned(stripeSubscriptionId) {
      let row = await repo.findSubscriptionByStripeId(pool, stripeSubscriptionId);
      if (row === undefined) {
        const synced = /^sub_[A-Za-z0-9]+$/.test(stripeSubscriptionId)
          ? await refreshSubscription(stripeSubscriptionId)
          : undefined;
        row = synced;
      }
      if (row?.customer_id == null) {
        throw new AppError('not_found', `No subscription ${stripeSubscriptionId} of one of our customers`, {
          param: 'id',
        });
      }
      const items = await repo.listItemsOfSubscriptions(pool, [row.id]);
      return recordOf(row, items);
    },

    findHeldProducts: (customerId, productIds) => repo.findHeldProducts(pool, customerId, productIds),
  };
}
