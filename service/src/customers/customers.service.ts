// Customers: exactly one of ours and one Stripe customer per external_id, also under concurrent calls.
// Our row is inserted first (the unique external_id serialises concurrent creates); the Stripe customer is
// created with an idempotency key derived from our row's id, so every concurrent or retried request for that
// row gets the same Stripe customer, and the link is written once.
import type { Queryable } from '../db/queryable.js';
import type { Pool } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { StripeGateway } from '../stripe/gateway.js';
import { retryWhileInFlight, unlessNotFound } from '../stripe/call-outcomes.js';
import { copyListedObjects, type ListingOptions } from '../stripe/stripe-list-paging.js';
import type { StripeCustomer, StripeDeletedCustomer } from '../stripe/stripe-objects.js';
import * as repo from './customers.repo.js';
import type { CustomerRow } from './customers.repo.js';

export type { CustomerRow } from './customers.repo.js';

export interface CustomerInput {
  external_id: string;
  email: string;
  name?: string | undefined;
  metadata?: Record<string, string> | undefined;
}

/** Our customer once it has its Stripe customer. */
export type BillableCustomer = CustomerRow & { stripe_customer_id: string };

export interface CustomersService {
  /** Creates our customer and its Stripe customer, or returns the existing one (`created: false`). */
  createOrGet: (input: CustomerInput) => Promise<{ customer: CustomerRow; created: boolean }>;
  getByExternalId: (externalId: string) => Promise<CustomerRow>;
  /**
   * The customer with a Stripe customer (created now if an earlier attempt failed before linking it); `param`
   * names the request field in the error when there is none.
   */
  getBillableByExternalId: (externalId: string, param?: string) => Promise<BillableCustomer>;
  findByExternalId: (externalId: string) => Promise<CustomerRow | undefined>;
  /** Read inside the caller's transaction (webhook handlers link what they store to our customer). */
  findByStripeCustomerId: (db: Queryable, stripeId: string) => Promise<CustomerRow | undefined>;
  /** Webhook updates: email and name from Stripe; a deleted Stripe customer marks ours deleted. */
  applyStripeCustomer: (db: Queryable, customer: StripeCustomer | StripeDeletedCustomer) => Promise<void>;
  /**
   * Stripe's current customer (what a webhook cannot order), fetched outside any transaction; undefined when
   * Stripe does not know it.
   */
  fetchStripeCustomer: (stripeId: string) => Promise<StripeCustomer | StripeDeletedCustomer | undefined>;
  markStripeCustomerDeleted: (db: Queryable, stripeId: string) => Promise<void>;
  /** Copies Stripe's customers onto ours (the backfill); returns the Stripe ids listed. */
  copyCustomersFromStripe: (listing?: ListingOptions) => Promise<string[]>;
  /** Our ids of every customer not deleted (the backfill recomputes their entitlements). */
  listActiveCustomerIds: () => Promise<string[]>;
}

// Stripe forgets idempotency keys after 24 hours: an older unlinked row is first looked up by metadata.
const IDEMPOTENCY_KEY_SAFE_MS = 20 * 60 * 60 * 1000;

export function stripeCustomerIdempotencyKey(customerId: string): string {
  return `billing-customer-create:${customerId}`;
}

export function createCustomersService(options: { pool: Pool; stripe: StripeGateway }): CustomersService {
  const { pool, stripe } = options;

  async function createStripeCustomer(row: CustomerRow): Promise<string> {
    if (Date.now() - row.created_at.getTime() > IDEMPOTENCY_KEY_SAFE_MS) {
      const found = await stripe.searchCustomers(`metadata['billing_customer_id']:'${row.id}'`);
      const existing = found.data[0];
      if (existing !== undefined) return existing.id;
    }
    const params = {
      email: row.email,
      ...(row.name === null ? {} : { name: row.name }),
      metadata: { ...row.metadata, billing_customer_id: row.id, external_id: row.external_id },
    };
    // Another request creating this very customer right now may link it first: its link is the result then.
    return retryWhileInFlight(
      async () => (await stripe.createCustomer(params, stripeCustomerIdempotencyKey(row.id))).id,
      async () => (await repo.findCustomerById(pool, row.id))?.stripe_customer_id ?? undefined,
    );
  }

  async function ensureStripeCustomer(row: CustomerRow): Promise<BillableCustomer> {
    if (row.stripe_customer_id !== null) return { ...row, stripe_customer_id: row.stripe_customer_id };
    const stripeId = await createStripeCustomer(row);
    const linked =
      (await repo.linkStripeCustomer(pool, row.id, stripeId)) ?? (await repo.findCustomerById(pool, row.id));
    if (linked?.stripe_customer_id == null)
      throw new AppError('internal', `Customer ${row.id} lost its Stripe link`);
    return { ...linked, stripe_customer_id: linked.stripe_customer_id };
  }

  async function getByExternalId(externalId: string): Promise<CustomerRow> {
    const row = await repo.findCustomerByExternalId(pool, externalId);
    if (row === undefined) {
      throw new AppError('not_found', `No customer with external_id "${externalId}"`, {
        param: 'external_id',
      });
    }
    return row;
  }

  async function applyStripeCustomer(
    db: Queryable,
    customer: StripeCustomer | StripeDeletedCustomer,
  ): Promise<void> {
    if (customer.deleted === true) return repo.markCustomerDeleted(db, customer.id);
    return repo.updateCustomerFromStripe(db, customer.id, {
      email: customer.email ?? null,
      name: customer.name ?? null,
    });
  }
  const fetchStripeCustomer = (stripeId: string) => unlessNotFound(stripe.retrieveCustomer(stripeId));

  return {
    async createOrGet(input) {
      const inserted = await repo.insertCustomer(pool, {
        externalId: input.external_id,
        email: input.email,
        name: input.name ?? null,
        metadata: input.metadata ?? {},
      });
      const row = inserted ?? (await getByExternalId(input.external_id));
      if (row.deleted_at !== null) {
        throw new AppError('conflict', `Customer "${input.external_id}" was deleted in Stripe`, {
          param: 'external_id',
        });
      }
      return { customer: await ensureStripeCustomer(row), created: inserted !== undefined };
    },

    getByExternalId,

    async getBillableByExternalId(externalId, param = 'customer') {
      const row = await repo.findCustomerByExternalId(pool, externalId);
      if (row === undefined)
        throw new AppError('not_found', `${param}: no customer with external_id "${externalId}"`, { param });
      if (row.deleted_at !== null)
        throw new AppError('conflict', `${param}: customer "${externalId}" was deleted`, { param });
      return ensureStripeCustomer(row);
    },

    findByExternalId: (externalId: string) => repo.findCustomerByExternalId(pool, externalId),
    /** Read inside the caller's transaction (webhook handlers link what they store to our customer). */
    findByStripeCustomerId: (db: Queryable, stripeId: string) => repo.findCustomerByStripeId(db, stripeId),

    applyStripeCustomer,
    fetchStripeCustomer,
    markStripeCustomerDeleted: (db: Queryable, stripeId: string) => repo.markCustomerDeleted(db, stripeId),

    /** Copies Stripe's customers onto ours (the backfill); returns the Stripe ids listed. */
    copyCustomersFromStripe: (listing: ListingOptions = {}) =>
      copyListedObjects(
        pool,
        (request) => stripe.listCustomers(request),
        { listed: applyStripeCustomer, fetchCurrent: fetchStripeCustomer, writeCurrent: applyStripeCustomer },
        listing,
      ),
    listActiveCustomerIds: () => repo.listActiveCustomerIds(pool),
  };
}
