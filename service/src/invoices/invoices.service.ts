// The invoices mirror. An invoice is fetched from Stripe first, with no transaction open, then stored in a
// transaction that locks it and keeps the newest fetch (stripe-mirror/object-fetches.ts): an older state is never
// written last — also when two events share a second. Reads of the pinned API version and of older ones
// (top-level `subscription`) are both handled.
import type { CustomersService } from '../customers/customers.service.js';
import type { Pool } from '../db/pool.js';
import type { PoolClient } from '../db/pool.js';
import { unlessNotFound } from '../stripe/call-outcomes.js';
import type { StripeGateway } from '../stripe/gateway.js';
import { AppError } from '../errors.js';
import { pageOf, unknownCursor, type Page, type PageRequest } from '../db/page.js';
import type { OutboxService } from '../outbox/outbox.service.js';
import type { StripeInvoice } from '../stripe/stripe-objects.js';
import {
  claimNewestFetch,
  fetchStripeObject,
  fetchThenStore,
  type FetchedObject,
} from '../stripe-mirror/object-fetches.js';
import * as repo from './invoices.repo.js';

export type { InvoiceRow, InvoiceWithCustomer } from './invoices.repo.js';
export type FetchedInvoice = FetchedObject<StripeInvoice>;

export interface InvoicesService {
  /** Fetches one invoice from Stripe; call it before the transaction that stores it. */
  fetchInvoice: (stripeInvoiceId: string, options?: { final?: boolean }) => Promise<FetchedInvoice>;
  /**
   * Stores a fetched invoice under its lock, in the caller's transaction, unless a newer fetch was stored
   * meanwhile; answers what the mirror holds then (undefined when Stripe does not know it). Throws
   * RefetchRequiredError when another fetch overlapped this one (fetch again, store again).
   */
  storeInvoice: (client: PoolClient, fetched: FetchedInvoice) => Promise<repo.InvoiceRow | undefined>;
  /** Fetches one invoice, then stores it in a transaction of its own. */
  refreshInvoice: (stripeInvoiceId: string) => Promise<repo.InvoiceRow | undefined>;
  /** The invoice from the mirror (404 for one we do not hold). */
  get: (stripeInvoiceId: string) => Promise<repo.InvoiceWithCustomer>;
  /** The external_id of the customer owning the invoice; undefined for one we do not hold. */
  findCustomerOf: (stripeInvoiceId: string) => Promise<string | undefined>;
  /** A customer's invoices, newest first, a page at a time. */
  listForCustomer: (customerId: string, page: PageRequest) => Promise<Page<repo.InvoiceWithCustomer>>;
}

const toDate = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? null : new Date(seconds * 1000);

/** The subscription of an invoice: `parent.subscription_details` now, top-level `subscription` before 2025. */
export function subscriptionIdOfInvoice(invoice: StripeInvoice): string | null {
  const current = invoice.parent?.subscription_details?.subscription ?? invoice.subscription ?? null;
  return current === null ? null : typeof current === 'string' ? current : current.id;
}

/** paid: it became paid; payment_failed: another collection attempt, and still not paid. */
function invoiceEventType(
  previous: repo.InvoiceRow | undefined,
  current: repo.InvoiceRow,
): 'invoice.paid' | 'invoice.payment_failed' | undefined {
  if (current.status === 'paid') return previous?.status === 'paid' ? undefined : 'invoice.paid';
  return current.attempt_count > (previous?.attempt_count ?? 0) ? 'invoice.payment_failed' : undefined;
}

export function createInvoicesService(options: {
  pool: Pool;
  stripe: StripeGateway;
  customers: CustomersService;
  outbox: Pick<OutboxService, 'append' | 'lockCustomer'>;
}): InvoicesService {
  const { pool, stripe, customers } = options;
  const retrieve = (stripeInvoiceId: string) => unlessNotFound(stripe.retrieveInvoice(stripeInvoiceId));

  async function storeInvoice(
    client: PoolClient,
    fetched: FetchedInvoice,
  ): Promise<repo.InvoiceRow | undefined> {
    const invoice = fetched.object;
    if (invoice === undefined) return undefined;
    const stripeCustomerId =
      typeof invoice.customer === 'string' ? invoice.customer : (invoice.customer?.id ?? '');
    const customer = await customers.findByStripeCustomerId(client, stripeCustomerId);
    // The customer's lock before the invoice's, as every writer of a customer's state takes them.
    if (customer !== undefined) await options.outbox.lockCustomer(client, customer.id);
    // Locks the invoice until commit; false: a later fetch is stored already, and stays.
    if (!(await claimNewestFetch(client, fetched))) return repo.findInvoice(client, invoice.id);
    const previous = await repo.findInvoice(client, invoice.id);
    const row = await repo.upsertInvoice(client, {
      stripe_invoice_id: invoice.id,
      customer_id: customer?.id ?? null,
      stripe_customer_id: stripeCustomerId,
      stripe_subscription_id: subscriptionIdOfInvoice(invoice),
      status: invoice.status ?? 'draft',
      billing_reason: invoice.billing_reason ?? null,
      number: invoice.number ?? null,
      currency: invoice.currency,
      total: invoice.total,
      amount_due: invoice.amount_due,
      amount_paid: invoice.amount_paid,
      amount_remaining: invoice.amount_remaining,
      attempt_count: invoice.attempt_count,
      hosted_invoice_url: invoice.hosted_invoice_url ?? null,
      invoice_pdf: invoice.invoice_pdf ?? null,
      period_start: toDate(invoice.period_start),
      period_end: toDate(invoice.period_end),
      paid_at: toDate(invoice.status_transitions?.paid_at),
      stripe_created: new Date(invoice.created * 1000),
    });
    const type = invoiceEventType(previous, row);
    if (type !== undefined && row.customer_id !== null) {
      await options.outbox.append(client, {
        customerId: row.customer_id,
        type,
        data: {
          invoice: {
            id: row.stripe_invoice_id,
            subscription: row.stripe_subscription_id,
            status: row.status,
            currency: row.currency,
            total: Number(row.total),
            amount_paid: Number(row.amount_paid),
            amount_remaining: Number(row.amount_remaining),
            attempt_count: row.attempt_count,
            hosted_invoice_url: row.hosted_invoice_url,
            invoice_pdf: row.invoice_pdf,
          },
        },
      });
    }
    return row;
  }

  return {
    fetchInvoice: (stripeInvoiceId, fetchOptions = {}) =>
      fetchStripeObject(pool, stripeInvoiceId, () => retrieve(stripeInvoiceId), fetchOptions),
    storeInvoice,
    refreshInvoice: (stripeInvoiceId) =>
      fetchThenStore(pool, stripeInvoiceId, () => retrieve(stripeInvoiceId), storeInvoice),

    async get(stripeInvoiceId) {
      const invoice = await repo.findInvoice(pool, stripeInvoiceId);
      if (invoice === undefined) {
        throw new AppError('not_found', `id: no invoice ${stripeInvoiceId}`, { param: 'id' });
      }
      return invoice;
    },

    async findCustomerOf(stripeInvoiceId) {
      return (await repo.findInvoice(pool, stripeInvoiceId))?.customer_external_id ?? undefined;
    },

    async listForCustomer(customerId, page) {
      if (
        page.startingAfter !== undefined &&
        !(await repo.isInvoiceOfCustomer(pool, customerId, page.startingAfter))
      ) {
        throw unknownCursor('an invoice of this customer', page.startingAfter);
      }
      const rows = await repo.listInvoicesOfCustomer(pool, customerId, {
        startingAfter: page.startingAfter,
        limit: page.limit + 1,
      });
      return pageOf(rows, page.limit);
    },
  };
}
