// Checkout sessions. Our row is the intent: written before the Stripe call, Stripe's idempotency key derived from
// its id, so a retry after a timeout or a crash resumes the same row and gets the same Stripe session. The same
// customer and cart reuse the open session until shortly before it expires; a subscription to a product the
// customer already holds is refused unless allow_multiple is set.
import { createHash } from 'node:crypto';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { CustomersService } from '../customers/customers.service.js';
import type { Pool } from '../db/pool.js';
import type { Queryable } from '../db/queryable.js';
import { AppError } from '../errors.js';
import type { StripeGateway } from '../stripe/gateway.js';
import { isCallerError, isInFlightConflict } from '../stripe/stripe-errors.js';
import type { SubscriptionsService } from '../subscriptions/subscriptions.service.js';
import { resolveCart, type CartItem } from './cart.js';
import * as repo from './checkout.repo.js';
import type { CheckoutSessionRow, OpenedCheckoutSession } from './checkout.repo.js';
import { checkRedirectUrl, type RedirectPolicy } from './redirect-urls.js';
import { stripeSessionParams } from './stripe-session-params.js';

export interface CheckoutRequest {
  customer: string;
  mode: 'payment' | 'subscription';
  items: CartItem[];
  success_url: string;
  cancel_url: string;
  trial_days?: number | undefined;
  allow_promotion_codes?: boolean | undefined;
  allow_multiple?: boolean | undefined;
  metadata?: Record<string, string> | undefined;
}

export interface CheckoutResult {
  id: string;
  url: string;
  expires_at: Date;
  reused: boolean;
}

export type CheckoutService = ReturnType<typeof createCheckoutService>;

/** An open session is reused only while it has at least this long left. */
const REUSE_MARGIN_MS = 10 * 60 * 1000;
// Stripe forgets idempotency keys after 24 hours: a row still "creating" after 20 is abandoned, not resumed.
const RESUMABLE_MS = 20 * 60 * 60 * 1000;
const IN_FLIGHT_RETRIES = 40;
const IN_FLIGHT_WAIT_MS = 150;

export function createCheckoutService(options: {
  pool: Pool;
  /** For the "open" update only: losing it is harmless (see Dependencies.asyncCommitPool in deps.ts). */
  asyncCommitPool: Pool;
  stripe: StripeGateway;
  catalog: CatalogService;
  customers: CustomersService;
  subscriptions: SubscriptionsService;
  redirects: RedirectPolicy;
  maxQuantity: number;
}) {
  const { pool, stripe } = options;

  function validateOptions(request: CheckoutRequest): void {
    checkRedirectUrl(request.success_url, 'success_url', options.redirects);
    checkRedirectUrl(request.cancel_url, 'cancel_url', options.redirects);
    if (request.mode !== 'subscription') {
      if (request.trial_days !== undefined) throw field('trial_days', 'only for mode "subscription"');
      if (request.allow_multiple !== undefined) throw field('allow_multiple', 'only for mode "subscription"');
    }
    for (const key of Object.keys(request.metadata ?? {})) {
      if (key.startsWith('billing_'))
        throw field(`metadata.${key}`, 'keys starting with billing_ are reserved');
    }
  }

  async function createAtStripe(
    row: CheckoutSessionRow,
    stripeCustomerId: string,
  ): Promise<OpenedCheckoutSession> {
    const params = stripeSessionParams(row, stripeCustomerId);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const session = await stripe.createCheckoutSession(params, `billing-checkout-session:${row.id}`);
        if (session.url === null)
          throw new AppError('upstream_failed', 'Stripe returned a session without a url');
        return await repo.markCheckoutSessionOpen(options.asyncCommitPool, row.id, {
          id: session.id,
          url: session.url,
          expiresAt: new Date(session.expires_at * 1000),
        });
      } catch (error) {
        if (isInFlightConflict(error) && attempt < IN_FLIGHT_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_WAIT_MS));
          continue;
        }
        // Refused by Stripe: the row leaves reuse. Outage or timeout: it stays "creating" for the retry.
        if (error instanceof AppError && isCallerError(error.cause)) {
          await repo.retireCheckoutSession(pool, row.id, 'failed', error.message);
        }
        throw error;
      }
    }
  }

  return {
    async create(request: CheckoutRequest): Promise<CheckoutResult> {
      validateOptions(request);
      const references = request.items;
      // Two independent reads, side by side.
      const [customer, prices] = await Promise.all([
        options.customers.getBillableByExternalId(request.customer, 'customer'),
        options.catalog.findPricesByReferences(
          references.flatMap((item) => (item.price === undefined ? [] : [item.price])),
          references.flatMap((item) => (item.lookup_key === undefined ? [] : [item.lookup_key])),
        ),
      ]);
      const cart = resolveCart(request.items, request.mode, prices, options.maxQuantity);
      if (request.mode === 'subscription' && request.allow_multiple !== true) {
        const held = await options.subscriptions.findHeldProducts(customer.id, cart.productIds);
        if (held[0] !== undefined) {
          throw new AppError(
            'conflict',
            `customer already holds ${held[0].stripe_product_id} through subscription ${held[0].stripe_subscription_id}; pass allow_multiple: true to buy another`,
            { param: 'items' },
          );
        }
      }
      const sessionOptions = {
        trial_days: request.trial_days ?? null,
        allow_promotion_codes: request.allow_promotion_codes ?? false,
        allow_multiple: request.allow_multiple ?? false,
        metadata: Object.fromEntries(
          Object.entries(request.metadata ?? {}).sort(([a], [b]) => a.localeCompare(b)),
        ),
      };
      const fingerprint = createHash('sha256')
        .update(
          JSON.stringify([request.mode, cart.lines, request.success_url, request.cancel_url, sessionOptions]),
        )
        .digest('hex');

      const newSession = {
        customer_id: customer.id,
        mode: request.mode,
        lines: cart.lines,
        currency: cart.currency,
        cart_fingerprint: fingerprint,
        success_url: request.success_url,
        cancel_url: request.cancel_url,
        options: sessionOptions,
      };
      for (;;) {
        // Insert first: for a new cart that is the only round trip; a conflict means a live session exists.
        const inserted = await repo.insertCheckoutSession(pool, newSession);
        if (inserted !== undefined) {
          return sessionResult(await createAtStripe(inserted, customer.stripe_customer_id), false);
        }
        const live = await repo.findLiveCheckoutSession(pool, customer.id, fingerprint);
        if (live === undefined) continue; // retired in between: insert again
        if (
          live.status === 'open' &&
          live.expires_at !== null &&
          live.url !== null &&
          live.stripe_checkout_session_id !== null
        ) {
          if (live.expires_at.getTime() - Date.now() > REUSE_MARGIN_MS) {
            // Our row may lag Stripe (the buyer paid, the webhook is not applied yet): a session Stripe has
            // completed or expired must not be handed out again. Only this reuse path pays the extra call.
            const current = await stripe.retrieveCheckoutSession(live.stripe_checkout_session_id);
            if (current.status !== 'open') {
              const finished =
                current.status === 'complete'
                  ? 'complete'
                  : current.status === 'expired'
                    ? 'expired'
                    : undefined;
              if (finished !== undefined) {
                await repo.updateCheckoutSessionStatus(pool, live.stripe_checkout_session_id, finished);
              } else {
                await repo.retireCheckoutSession(
                  pool,
                  live.id,
                  'replaced',
                  `Stripe status ${current.status}`,
                );
              }
              continue;
            }
            return {
              id: live.stripe_checkout_session_id,
              url: live.url,
              expires_at: live.expires_at,
              reused: true,
            };
          }
          await repo.retireCheckoutSession(pool, live.id, 'replaced', 'expiring soon');
          continue;
        }
        if (Date.now() - live.created_at.getTime() > RESUMABLE_MS) {
          await repo.retireCheckoutSession(pool, live.id, 'failed', 'abandoned while creating');
          continue;
        }
        // Still "creating": an earlier attempt failed after writing it, or a concurrent request is creating it.
        // Its Stripe idempotency key returns the one session.
        return sessionResult(await createAtStripe(live, customer.stripe_customer_id), false);
      }
    },

    /** Webhook outcome (checkout.session.completed, .expired, .async_payment_failed); no-op when not ours. */
    markSessionStatus: (
      db: Queryable,
      stripeSessionId: string,
      status: 'complete' | 'expired' | 'payment_failed',
    ) => repo.updateCheckoutSessionStatus(db, stripeSessionId, status),
  };
}

function sessionResult(row: OpenedCheckoutSession, reused: boolean): CheckoutResult {
  if (row.stripe_checkout_session_id === null || row.url === null || row.expires_at === null) {
    throw new AppError('internal', `Checkout session ${row.id} is incomplete`);
  }
  return { id: row.stripe_checkout_session_id, url: row.url, expires_at: row.expires_at, reused };
}

function field(param: string, reason: string): AppError {
  return new AppError('validation_failed', `${param}: ${reason}`, { param });
}
