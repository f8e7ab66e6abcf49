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
  period_start: Date | null;
  period_end: Date | null;
  paid_at: Date | null;
  stripe_created: Date;
}

export type InvoiceRow = InvoiceInput & { synced_at: Date };

export async function lockInvoice(db: Queryable, stripeInvoiceId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended('invoice:' || $1, 0))`, [stripeInvoiceId]);
}

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

export async function listInvoicesOfCustomer(db: Queryable, customerId: string): Promise<InvoiceRow[]> {
  const result = await db.query<InvoiceRow>(
    'SELECT * FROM invoices WHERE customer_id = $1 ORDER BY stripe_created DESC, stripe_invoice_id',
    [customerId],
  );
  return result.rows;
}
