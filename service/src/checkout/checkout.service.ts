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
import { isRefusedByStripe, retryWhileInFlight } from '../stripe/call-outcomes.js';
import type { OrdersService } from '../orders/orders.service.js';
import type { SubscriptionsService } from '../subscriptions/subscriptions.service.js';
import { resolveCart, type CartItem, type ResolvedCart } from './cart.js';
import * as repo from './checkout.repo.js';
import type { CheckoutSessionRow, NewCheckoutSession, OpenedCheckoutSession } from './checkout.repo.js';
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

/** What a success page needs: where the session stands at Stripe, and what it became here. */
export interface CheckoutSessionState {
  id: string;
  customer: string;
  mode: 'payment' | 'subscription';
  status: string;
  payment_status: string;
  currency: string | null;
  amount_total: number | null;
  /** Our order (payment mode), once Stripe's checkout.session.completed has been applied. */
  order: string | null;
  subscription: string | null;
  expires_at: Date | null;
}

export interface CheckoutService {
  /**
   * A Stripe checkout session for the customer's cart: the open one of the same cart when it has long enough
   * left, else a new one (created once, also under concurrent calls and retries).
   */
  create: (request: CheckoutRequest) => Promise<CheckoutResult>;
  /** Webhook outcome (checkout.session.completed, .expired, .async_payment_failed); no-op when not ours. */
  markSessionStatus: (
    db: Queryable,
    stripeSessionId: string,
    status: 'complete' | 'expired' | 'payment_failed',
  ) => Promise<boolean>;
  /**
   * One of our sessions: its status and payment status as Stripe has them now (the webhook may still be on its
   * way), and the order or subscription it became. 404 for a session we did not create.
   */
  getSession: (stripeSessionId: string) => Promise<CheckoutSessionState>;
}

/** An open session is reused only while it has at least this long left. */
const REUSE_MARGIN_MS = 10 * 60 * 1000;
// Stripe forgets idempotency keys after 24 hours: a row still "creating" after 20 is abandoned, not resumed.
const RESUMABLE_MS = 20 * 60 * 60 * 1000;

/** What a live row of the same cart leads to: its open session handed out again, or its creation resumed. */
type LiveSessionUse = { reused: CheckoutResult } | { resume: CheckoutSessionRow };

export function createCheckoutService(options: {
  pool: Pool;
  /** For the "open" update only: losing it is harmless (see Dependencies.asyncCommitPool in deps.ts). */
  asyncCommitPool: Pool;
  stripe: StripeGateway;
  catalog: CatalogService;
  customers: CustomersService;
  subscriptions: SubscriptionsService;
  orders: Pick<OrdersService, 'findOfCheckoutSession'>;
  redirects: RedirectPolicy;
  maxQuantity: number;
}): CheckoutService {
  const { pool, stripe } = options;

  /** The request with its redirect URLs normalised (what Stripe gets), once every rule holds. */
  function validateRequest(request: CheckoutRequest): CheckoutRequest {
    const success_url = checkRedirectUrl(request.success_url, 'success_url', options.redirects);
    const cancel_url = checkRedirectUrl(request.cancel_url, 'cancel_url', options.redirects);
    if (request.mode !== 'subscription') {
      if (request.trial_days !== undefined) throw field('trial_days', 'only for mode "subscription"');
      if (request.allow_multiple !== undefined) throw field('allow_multiple', 'only for mode "subscription"');
    }
    for (const key of Object.keys(request.metadata ?? {})) {
      if (key.startsWith('billing_'))
        throw field(`metadata.${key}`, 'keys starting with billing_ are reserved');
    }
    return { ...request, success_url, cancel_url };
  }

  /** The billable customer and the cart resolved against the catalog: two independent reads, side by side. */
  async function loadCustomerAndCart(request: CheckoutRequest) {
    const references = request.items;
    const [customer, prices] = await Promise.all([
      options.customers.getBillableByExternalId(request.customer, 'customer'),
      options.catalog.findPricesByReferences(
        references.flatMap((item) => (item.price === undefined ? [] : [item.price])),
        references.flatMap((item) => (item.lookup_key === undefined ? [] : [item.lookup_key])),
      ),
    ]);
    return { customer, cart: resolveCart(request.items, request.mode, prices, options.maxQuantity) };
  }

  async function refuseHeldProducts(
    request: CheckoutRequest,
    customerId: string,
    cart: ResolvedCart,
  ): Promise<void> {
    if (request.mode !== 'subscription' || request.allow_multiple === true) return;
    const held = await options.subscriptions.findHeldProducts(customerId, cart.productIds);
    if (held[0] !== undefined) {
      throw new AppError(
        'conflict',
        `customer already holds ${held[0].stripe_product_id} through subscription ${held[0].stripe_subscription_id}; pass allow_multiple: true to buy another`,
        { param: 'items' },
      );
    }
  }

  /** A new intent row, or the live row of the same customer and cart (reused or resumed). */
  async function writeIntentOrFindLive(
    intent: NewCheckoutSession,
  ): Promise<{ created: CheckoutSessionRow } | LiveSessionUse> {
    for (;;) {
      // Insert first: for a new cart that is the only round trip; a conflict means a live session exists.
      const inserted = await repo.insertCheckoutSession(pool, intent);
      if (inserted !== undefined) return { created: inserted };
      const live = await repo.findLiveCheckoutSession(pool, intent.customer_id, intent.cart_fingerprint);
      // Undefined: retired in between. Retired now: insert again.
      const use = live === undefined ? undefined : await useLiveSession(live);
      if (use !== undefined) return use;
    }
  }

  /** How a live row is used; undefined when it was retired instead (expiring, finished at Stripe, abandoned). */
  async function useLiveSession(live: CheckoutSessionRow): Promise<LiveSessionUse | undefined> {
    const open = openSessionOf(live);
    if (open !== undefined) {
      const reused = await reuseOpenSession(live.id, open);
      return reused === undefined ? undefined : { reused };
    }
    if (Date.now() - live.created_at.getTime() > RESUMABLE_MS) {
      await repo.retireCheckoutSession(pool, live.id, 'failed', 'abandoned while creating');
      return undefined;
    }
    // Still "creating": an earlier attempt failed after writing it, or a concurrent request is creating it.
    // Its Stripe idempotency key returns the one session.
    return { resume: live };
  }

  /** The open session again, unless it expires soon or Stripe has finished it (then the row is retired). */
  async function reuseOpenSession(rowId: string, open: CheckoutResult): Promise<CheckoutResult | undefined> {
    if (open.expires_at.getTime() - Date.now() <= REUSE_MARGIN_MS) {
      await repo.retireCheckoutSession(pool, rowId, 'replaced', 'expiring soon');
      return undefined;
    }
    // Our row may lag Stripe (the buyer paid, the webhook is not applied yet): a session Stripe has completed or
    // expired must not be handed out again. Only this reuse path pays the extra call.
    const current = await stripe.retrieveCheckoutSession(open.id);
    if (current.status === 'open') return open;
    const finished =
      current.status === 'complete' ? 'complete' : current.status === 'expired' ? 'expired' : undefined;
    if (finished !== undefined) {
      await repo.updateCheckoutSessionStatus(pool, open.id, finished);
    } else {
      await repo.retireCheckoutSession(pool, rowId, 'replaced', `Stripe status ${current.status}`);
    }
    return undefined;
  }

  /** Creates the intent's session at Stripe (once, by the row's idempotency key) and marks the row open. */
  async function createAtStripe(
    row: CheckoutSessionRow,
    stripeCustomerId: string,
  ): Promise<OpenedCheckoutSession> {
    const params = stripeSessionParams(row, stripeCustomerId);
    let session;
    try {
      session = await retryWhileInFlight(() =>
        stripe.createCheckoutSession(params, `billing-checkout-session:${row.id}`),
      );
    } catch (error) {
      // Refused by Stripe: the row leaves reuse. Outage or timeout: it stays "creating" for the retry.
      if (isRefusedByStripe(error)) {
        const reason = error instanceof Error ? error.message : String(error);
        await repo.retireCheckoutSession(pool, row.id, 'failed', reason);
      }
      throw error;
    }
    if (session.url === null)
      throw new AppError('upstream_failed', 'Stripe returned a session without a url');
    return repo.markCheckoutSessionOpen(options.asyncCommitPool, row.id, {
      id: session.id,
      url: session.url,
      expiresAt: new Date(session.expires_at * 1000),
    });
  }

  return {
    async create(received) {
      const request = validateRequest(received);
      const { customer, cart } = await loadCustomerAndCart(request);
      await refuseHeldProducts(request, customer.id, cart);
      const use = await writeIntentOrFindLive(intentOf(request, customer.id, cart));
      if ('reused' in use) return use.reused;
      const row = 'created' in use ? use.created : use.resume;
      return sessionResult(await createAtStripe(row, customer.stripe_customer_id), false);
    },

    /**
     * One of our sessions: its status and payment status as Stripe has them now (the webhook may still be on
     * its way), and the order or subscription it became. 404 for a session we did not create.
     */
    async getSession(stripeSessionId) {
      const row = await repo.findCheckoutSessionByStripeId(pool, stripeSessionId);
      if (row === undefined) {
        throw new AppError('not_found', `id: no checkout session ${stripeSessionId} of ours`, {
          param: 'id',
        });
      }
      const [session, order] = await Promise.all([
        stripe.retrieveCheckoutSession(stripeSessionId),
        options.orders.findOfCheckoutSession(stripeSessionId),
      ]);
      const subscription = session.subscription;
      return {
        id: stripeSessionId,
        customer: row.customer_external_id,
        mode: row.mode,
        status: session.status ?? row.status,
        payment_status: session.payment_status,
        currency: session.currency,
        amount_total: session.amount_total,
        order: order?.id ?? null,
        subscription:
          subscription === null ? null : typeof subscription === 'string' ? subscription : subscription.id,
        expires_at: row.expires_at,
      };
    },

    markSessionStatus: (db, stripeSessionId, status) =>
      repo.updateCheckoutSessionStatus(db, stripeSessionId, status),
  };
}

/** The intent row of a request: the cart and options, and the fingerprint that finds the same cart again. */
function intentOf(request: CheckoutRequest, customerId: string, cart: ResolvedCart): NewCheckoutSession {
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
  return {
    customer_id: customerId,
    mode: request.mode,
    lines: cart.lines,
    currency: cart.currency,
    cart_fingerprint: fingerprint,
    success_url: request.success_url,
    cancel_url: request.cancel_url,
    options: sessionOptions,
  };
}

/** The open Stripe session a row records, or undefined while it has none. */
function openSessionOf(row: CheckoutSessionRow): CheckoutResult | undefined {
  if (
    row.status !== 'open' ||
    row.expires_at === null ||
    row.url === null ||
    row.stripe_checkout_session_id === null
  ) {
    return undefined;
  }
  return { id: row.stripe_checkout_session_id, url: row.url, expires_at: row.expires_at, reused: true };
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
