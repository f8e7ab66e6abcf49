// SQL of checkout_sessions: the intent row of every Stripe checkout session we create.
import type { Queryable } from '../db/queryable.js';

export interface CheckoutLine {
  price: string;
  quantity: number;
}

export interface CheckoutSessionRow {
  id: string;
  customer_id: string;
  mode: 'payment' | 'subscription';
  lines: CheckoutLine[];
  currency: string;
  cart_fingerprint: string;
  success_url: string;
  cancel_url: string;
  options: Record<string, unknown>;
  status: 'creating' | 'open' | 'complete' | 'expired' | 'payment_failed' | 'failed' | 'replaced';
  stripe_checkout_session_id: string | null;
  url: string | null;
  expires_at: Date | null;
  created_at: Date;
}

export type NewCheckoutSession = Pick<
  CheckoutSessionRow,
  | 'customer_id'
  | 'mode'
  | 'lines'
  | 'currency'
  | 'cart_fingerprint'
  | 'success_url'
  | 'cancel_url'
  | 'options'
>;

/** The session being created or open for this customer and cart, if any. */
export async function findLiveCheckoutSession(
  db: Queryable,
  customerId: string,
  fingerprint: string,
): Promise<CheckoutSessionRow | undefined> {
  const result = await db.query<CheckoutSessionRow>(
    `SELECT * FROM checkout_sessions WHERE customer_id = $1 AND cart_fingerprint = $2 AND status IN ('creating', 'open')`,
    [customerId, fingerprint],
  );
  return result.rows[0];
}

/** Inserts the intent; undefined when a live one for this cart exists already (a concurrent request). */
export async function insertCheckoutSession(
  db: Queryable,
  session: NewCheckoutSession,
): Promise<CheckoutSessionRow | undefined> {
  const result = await db.query<CheckoutSessionRow>(
    `INSERT INTO checkout_sessions (customer_id, mode, lines, currency, cart_fingerprint, success_url, cancel_url,
       options, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'creating')
     ON CONFLICT (customer_id, cart_fingerprint) WHERE status IN ('creating', 'open') DO NOTHING
     RETURNING *`,
    [
      session.customer_id,
      session.mode,
      JSON.stringify(session.lines),
      session.currency,
      session.cart_fingerprint,
      session.success_url,
      session.cancel_url,
      session.options,
    ],
  );
  return result.rows[0];
}

export type OpenedCheckoutSession = Pick<
  CheckoutSessionRow,
  'id' | 'stripe_checkout_session_id' | 'url' | 'expires_at'
>;

/** Records Stripe's session on the intent; returns what the answer needs without reading the row back. */
export async function markCheckoutSessionOpen(
  db: Queryable,
  id: string,
  stripe: { id: string; url: string; expiresAt: Date },
): Promise<OpenedCheckoutSession> {
  const result = await db.query(
    `UPDATE checkout_sessions SET status = CASE WHEN status = 'creating' THEN 'open' ELSE status END,
       stripe_checkout_session_id = $2, url = $3, expires_at = $4
     WHERE id = $1`,
    [id, stripe.id, stripe.url, stripe.expiresAt],
  );
  if (result.rowCount !== 1) throw new Error(`checkout session ${id} vanished`);
  return { id, stripe_checkout_session_id: stripe.id, url: stripe.url, expires_at: stripe.expiresAt };
}

/** Takes a live session out of reuse (failed before Stripe had it, expired, or about to expire). */
export async function retireCheckoutSession(
  db: Queryable,
  id: string,
  status: 'failed' | 'replaced' | 'expired',
  reason: string | null,
): Promise<void> {
  await db.query(
    `UPDATE checkout_sessions SET status = $2, failure_reason = $3 WHERE id = $1 AND status IN ('creating', 'open')`,
    [id, status, reason],
  );
}

/** Webhook outcome of a Stripe session; never moves a completed session back, and ignores sessions not ours. */
export async function updateCheckoutSessionStatus(
  db: Queryable,
  stripeSessionId: string,
  status: 'complete' | 'expired' | 'payment_failed',
): Promise<boolean> {
  const result = await db.query(
    `UPDATE checkout_sessions SET status = $2,
       completed_at = CASE WHEN $2 = 'complete' THEN coalesce(completed_at, now()) ELSE completed_at END
     WHERE stripe_checkout_session_id = $1
       AND (status IN ('creating', 'open', 'replaced', 'expired') OR (status = 'complete' AND $2 = 'payment_failed'))`,
    [stripeSessionId, status],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Our session row by Stripe's id, with the buyer's external id. */
export async function findCheckoutSessionByStripeId(
  db: Queryable,
  stripeSessionId: string,
): Promise<(CheckoutSessionRow & { customer_external_id: string }) | undefined> {
  const result = await db.query<CheckoutSessionRow & { customer_external_id: string }>(
    `SELECT s.*, c.external_id AS customer_external_id
       FROM checkout_sessions s JOIN customers c ON c.id = s.customer_id
      WHERE s.stripe_checkout_session_id = $1`,
    [stripeSessionId],
  );
  return result.rows[0];
}

export async function countCheckoutSessions(db: Queryable, customerId: string): Promise<number> {
  const result = await db.query<{ count: string }>(
    'SELECT count(*) FROM checkout_sessions WHERE customer_id = $1',
    [customerId],
  );
  return Number(result.rows[0]?.count ?? 0);
}
