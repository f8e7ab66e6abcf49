// SQL of our customers.
import type { Queryable } from '../db/queryable.js';

export interface CustomerRow {
  id: string;
  external_id: string;
  email: string;
  name: string | null;
  metadata: Record<string, string>;
  stripe_customer_id: string | null;
  deleted_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Inserts the customer unless the external id exists; undefined when it did. */
export async function insertCustomer(
  db: Queryable,
  input: { externalId: string; email: string; name: string | null; metadata: Record<string, string> },
): Promise<CustomerRow | undefined> {
  const result = await db.query<CustomerRow>(
    `INSERT INTO customers (external_id, email, name, metadata) VALUES ($1, $2, $3, $4)
     ON CONFLICT (external_id) DO NOTHING RETURNING *`,
    [input.externalId, input.email, input.name, input.metadata],
  );
  return result.rows[0];
}

export async function findCustomerByExternalId(
  db: Queryable,
  externalId: string,
): Promise<CustomerRow | undefined> {
  const result = await db.query<CustomerRow>('SELECT * FROM customers WHERE external_id = $1', [externalId]);
  return result.rows[0];
}

export async function findCustomerById(db: Queryable, id: string): Promise<CustomerRow | undefined> {
  const result = await db.query<CustomerRow>('SELECT * FROM customers WHERE id = $1', [id]);
  return result.rows[0];
}

export async function findCustomerByStripeId(
  db: Queryable,
  stripeId: string,
): Promise<CustomerRow | undefined> {
  const result = await db.query<CustomerRow>('SELECT * FROM customers WHERE stripe_customer_id = $1', [
    stripeId,
  ]);
  return result.rows[0];
}

/** Links the Stripe customer once; a second link attempt with another id changes nothing. */
export async function linkStripeCustomer(
  db: Queryable,
  id: string,
  stripeId: string,
): Promise<CustomerRow | undefined> {
  const result = await db.query<CustomerRow>(
    `UPDATE customers SET stripe_customer_id = $2 WHERE id = $1 AND stripe_customer_id IS NULL RETURNING *`,
    [id, stripeId],
  );
  return result.rows[0];
}

export async function updateCustomerFromStripe(
  db: Queryable,
  stripeId: string,
  fields: { email: string | null; name: string | null },
): Promise<void> {
  await db.query(
    `UPDATE customers SET email = coalesce($2, email), name = $3
     WHERE stripe_customer_id = $1 AND deleted_at IS NULL`,
    [stripeId, fields.email, fields.name],
  );
}

export async function markCustomerDeleted(db: Queryable, stripeId: string): Promise<void> {
  await db.query(
    `UPDATE customers SET deleted_at = coalesce(deleted_at, now()) WHERE stripe_customer_id = $1`,
    [stripeId],
  );
}

/** Our ids of the customers not deleted, oldest first. */
export async function listActiveCustomerIds(db: Queryable): Promise<string[]> {
  const result = await db.query<{ id: string }>(
    'SELECT id FROM customers WHERE deleted_at IS NULL ORDER BY created_at, id',
  );
  return result.rows.map((row) => row.id);
}
