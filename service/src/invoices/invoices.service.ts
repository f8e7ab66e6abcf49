// The invoices mirror. syncInvoice takes a per-invoice advisory lock, THEN refetches the invoice through the
// gateway (and its breaker): two concurrent syncs are serialised and the later one fetched later, so an older
// state is never written last — also when two events share a second. Reads of the pinned API version and of
// older ones (top-level `subscription`) are both handled.
import type { CustomersService } from '../customers/customers.service.js';
import type { Pool } from '../db/pool.js';
import type { PoolClient } from '../db/pool.js';
import { unlessNotFound } from '../stripe/call-outcomes.js';
import type { StripeGateway } from '../stripe/gateway.js';
import type { StripeInvoice } from '../stripe/stripe-objects.js';
import * as repo from './invoices.repo.js';

export type { InvoiceRow } from './invoices.repo.js';
export interface InvoicesService {
  /**
   * Refetches the invoice under its advisory lock and stores it, in the caller's transaction; undefined when
   * Stripe does not know it.
   */
  syncInvoice: (client: PoolClient, stripeInvoiceId: string) => Promise<repo.InvoiceRow | undefined>;
  listForCustomer: (customerId: string) => Promise<repo.InvoiceRow[]>;
}

const toDate = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? null : new Date(seconds * 1000);

/** The subscription of an invoice: `parent.subscription_details` now, top-level `subscription` before 2025. */
export function subscriptionIdOfInvoice(invoice: StripeInvoice): string | null {
  const current = invoice.parent?.subscription_details?.subscription ?? invoice.subscription ?? null;
  return current === null ? null : typeof current === 'string' ? current : current.id;
}

export function createInvoicesService(options: {
  pool: Pool;
  stripe: StripeGateway;
  customers: CustomersService;
}): InvoicesService {
  const { pool, stripe, customers } = options;
  return {
    async syncInvoice(client: PoolClient, stripeInvoiceId: string): Promise<repo.InvoiceRow | undefined> {
      await repo.lockInvoice(client, stripeInvoiceId);
      const invoice = await unlessNotFound(stripe.retrieveInvoice(stripeInvoiceId));
      if (invoice === undefined) return undefined;
      const stripeCustomerId =
        typeof invoice.customer === 'string' ? invoice.customer : (invoice.customer?.id ?? '');
      const customer = await customers.findByStripeCustomerId(client, stripeCustomerId);
      return repo.upsertInvoice(client, {
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
        period_start: toDate(invoice.period_start),
        period_end: toDate(invoice.period_end),
        paid_at: toDate(invoice.status_transitions?.paid_at),
        stripe_created: new Date(invoice.created * 1000),
      });
    },

    listForCustomer: (customerId) => repo.listInvoicesOfCustomer(pool, customerId),
  };
}
