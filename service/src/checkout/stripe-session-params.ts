// Our checkout row → the parameters of Stripe's checkout.sessions.create. Built only from the stored row, so a
// retry sends exactly the same parameters under the same idempotency key.
import type { CheckoutSessionCreateParams } from '../stripe/stripe-params.js';
import type { CheckoutSessionRow } from './checkout.repo.js';

interface StoredOptions {
  trial_days?: number | null;
  allow_promotion_codes?: boolean;
  metadata?: Record<string, string>;
}

export function stripeSessionParams(
  row: CheckoutSessionRow,
  stripeCustomerId: string,
): CheckoutSessionCreateParams {
  const stored = row.options as StoredOptions;
  // Our ids on the session and on what it creates, so webhooks can be matched to our rows.
  const metadata = {
    ...stored.metadata,
    billing_checkout_session_id: row.id,
    billing_customer_id: row.customer_id,
  };
  return {
    mode: row.mode,
    customer: stripeCustomerId,
    client_reference_id: row.customer_id,
    line_items: row.lines.map((line) => ({ price: line.price, quantity: line.quantity })),
    success_url: row.success_url,
    cancel_url: row.cancel_url,
    metadata,
    ...(stored.allow_promotion_codes === true ? { allow_promotion_codes: true } : {}),
    ...(row.mode === 'subscription'
      ? {
          subscription_data: {
            metadata,
            ...(typeof stored.trial_days === 'number' ? { trial_period_days: stored.trial_days } : {}),
          },
        }
      : { payment_intent_data: { metadata } }),
  };
}
