// SQL of the invoices mirror.
import type { Queryable } from '../db/queryable.js';

export interface InvoiceInput {
  stripe_invoice_id: string;
  customer_id: string | null;
  stripe_customer_id: string;
  stripe_subscription_id: string | null;
  status: string;
  billing_reason: string | null;
  number: string | null;
  currency: string;
  total: number;
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  attempt_count: number;
  hosted_invoice_url: string | null;
  invoice_pdf: string | null;
  period_start: Date | null;
  period_end: Date | null;
  paid_at: Date | null;
  stripe_created: Date;
}

export type InvoiceRow = InvoiceInput & { synced_at: Date };

const columns = [
  'stripe_invoice_id',
  'customer_id',
  'stripe_customer_id',
  'stripe_subscription_id',
  'status',
  'billing_reason',
  'number',
  'currency',
  'total',
  'amount_due',
  'amount_paid',
  'amount_remaining',
  'attempt_count',
  'hosted_invoice_url',
  'invoice_pdf',
  'period_start',
  'period_end',
  'paid_at',
  'stripe_created',
] as const;

export async function upsertInvoice(db: Queryable, input: InvoiceInput): Promise<InvoiceRow> {
  const updates = columns
    .slice(1)
    .map((column) =>
      column === 'customer_id'
        ? 'customer_id = coalesce(excluded.customer_id, invoices.customer_id)'
        : `${column} = excluded.${column}`,
    );
  const result = await db.query<InvoiceRow>(
    `INSERT INTO invoices (${columns.join(', ')})
     VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})
     ON CONFLICT (stripe_invoice_id) DO UPDATE SET ${updates.join(', ')}, synced_at = now()
     RETURNING *`,
    columns.map((column) => input[column]),
  );
  return result.rows[0] as InvoiceRow;
}

export type InvoiceWithCustomer = InvoiceRow & { customer_external_id: string | null };

const SELECT_INVOICE = `SELECT i.*, c.external_id AS customer_external_id
  FROM invoices i LEFT JOIN customers c ON c.id = i.customer_id`;

export async function findInvoice(
  db: Queryable,
  stripeInvoiceId: string,
): Promise<InvoiceWithCustomer | undefined> {
  const result = await db.query<InvoiceWithCustomer>(`${SELECT_INVOICE} WHERE i.stripe_invoice_id = $1`, [
    stripeInvoiceId,
  ]);
  return result.rows[0];
}

export async function isInvoiceOfCustomer(db: Queryable, customerId: string, stripeInvoiceId: string) {
  const result = await db.query('SELECT 1 FROM invoices WHERE stripe_invoice_id = $1 AND customer_id = $2', [
    stripeInvoiceId,
    customerId,
  ]);
  return result.rowCount === 1;
}

/** Newest first (by Stripe's created time); after `startingAfter` when given. */
export async function listInvoicesOfCustomer(
  db: Queryable,
  customerId: string,
  page: { startingAfter: string | undefined; limit: number },
): Promise<InvoiceWithCustomer[]> {
  const result = await db.query<InvoiceWithCustomer>(
    `${SELECT_INVOICE}
      WHERE i.customer_id = $1
        AND ($2::text IS NULL OR (i.stripe_created, i.stripe_invoice_id) <
             (SELECT stripe_created, stripe_invoice_id FROM invoices WHERE stripe_invoice_id = $2))
      ORDER BY i.stripe_created DESC, i.stripe_invoice_id DESC
      LIMIT $3`,
    [customerId, page.startingAfter ?? null, page.limit],
  );
  return result.rows;
}
