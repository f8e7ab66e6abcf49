// Plan changes, cancellations and resumptions. Each one is an intent row written before the Stripe call, whose
// id is Stripe's idempotency key: a retry after a timeout or a crash reuses the pending intent and so its key,
// and Stripe applies the change once. The Stripe result is returned at once; the mirror is refreshed with
// refreshSubscription (webhooks refresh it too).
import { createHash } from 'node:crypto';
import type { CatalogService, PriceRow } from '../catalog/catalog.service.js';
import type { Pool } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { StripeGateway } from '../stripe/gateway.js';
import { isRefusedByStripe } from '../stripe/call-outcomes.js';
import type { StripeSubscription } from '../stripe/stripe-objects.js';
import type { ProrationBehavior, SubscriptionItemChange } from '../stripe/stripe-params.js';
import * as changes from './subscription-changes.repo.js';
import type { ChangeKind } from './subscription-changes.repo.js';
import { HELD_STATUSES } from './subscriptions.repo.js';
import type { SubscriptionRecord, SubscriptionsService } from './subscriptions.service.js';

export interface ChangeRequest {
  price?: string | undefined;
  lookup_key?: string | undefined;
  quantity?: number | undefined;
  proration_behavior?: ProrationBehavior | undefined;
}

/** What a plan change would bill: the proration amount now, and the next invoice's total, line by line. */
export interface ChangePreview {
  subscription: string;
  price: string;
  quantity: number;
  proration_behavior: ProrationBehavior;
  proration_date: string;
  currency: string;
  proration_amount: number;
  amount_due: number;
  lines: Array<{ description: string; amount: number; proration: boolean }>;
}

/** Each write answers Stripe's subscription as it is after the change (the mirror follows). */
export interface SubscriptionChangesService {
  /** Switches the single item to another price or quantity, with the given proration. */
  change: (stripeSubscriptionId: string, request: ChangeRequest) => Promise<StripeSubscription>;
  previewChange: (stripeSubscriptionId: string, request: ChangeRequest) => Promise<ChangePreview>;
  /** At the end of the period, or now. */
  cancel: (stripeSubscriptionId: string, request: { at_period_end: boolean }) => Promise<StripeSubscription>;
  /** Undoes a scheduled cancellation (at period end, or at a chosen date). */
  resume: (stripeSubscriptionId: string) => Promise<StripeSubscription>;
}

export function createSubscriptionChangesService(options: {
  pool: Pool;
  stripe: StripeGateway;
  catalog: CatalogService;
  subscriptions: SubscriptionsService;
  logger: Logger;
}): SubscriptionChangesService {
  const { pool, stripe, catalog, subscriptions } = options;

  async function resolveNewPrice(request: ChangeRequest, current: SubscriptionRecord): Promise<PriceRow> {
    const param = request.price !== undefined ? 'price' : 'lookup_key';
    const reference = request.price ?? request.lookup_key;
    if (reference === undefined || (request.price !== undefined && request.lookup_key !== undefined)) {
      throw new AppError('validation_failed', 'price: give either price or lookup_key', { param: 'price' });
    }
    const found = await catalog.findPricesByReferences(
      request.price === undefined ? [] : [request.price],
      request.lookup_key === undefined ? [] : [request.lookup_key],
    );
    const price = found[0];
    if (price === undefined)
      throw new AppError('validation_failed', `${param}: no such price "${reference}"`, { param });
    if (!price.active || price.product_active !== true) {
      throw new AppError('validation_failed', `${param}: price "${reference}" is not active`, { param });
    }
    if (price.type !== 'recurring') {
      throw new AppError('validation_failed', `${param}: price "${reference}" is not recurring`, { param });
    }
    const currentPrice = (
      await catalog.findPricesByReferences([current.items[0]?.stripe_price_id ?? ''], [])
    )[0];
    if (currentPrice !== undefined && currentPrice.currency !== price.currency) {
      throw new AppError(
        'validation_failed',
        `${param}: currency ${price.currency} differs from the subscription's ${currentPrice.currency}`,
        { param },
      );
    }
    return price;
  }

  function singleItemOf(subscription: SubscriptionRecord) {
    const item = subscription.items[0];
    if (item === undefined || subscription.items.length > 1) {
      throw new AppError('conflict', 'Only subscriptions with exactly one item can be changed here');
    }
    return item;
  }

  function requireLive(subscription: SubscriptionRecord): void {
    if (!HELD_STATUSES.includes(subscription.status)) {
      throw new AppError(
        'conflict',
        `Subscription ${subscription.stripe_subscription_id} is ${subscription.status}`,
      );
    }
  }

  /** A plan change or its preview: our live single-item subscription, its item, and what the item becomes. */
  async function planChange(stripeSubscriptionId: string, request: ChangeRequest) {
    const subscription = await subscriptions.getOwned(stripeSubscriptionId);
    requireLive(subscription);
    const item = singleItemOf(subscription);
    const price = await resolveNewPrice(request, subscription);
    const itemChange: SubscriptionItemChange = {
      id: item.stripe_subscription_item_id,
      price: price.id,
      quantity: request.quantity ?? item.quantity,
    };
    const prorationBehavior = request.proration_behavior ?? 'create_prorations';
    return { subscription, item, itemChange, prorationBehavior };
  }

  /** Runs one Stripe write under an intent row, records the outcome, refreshes the mirror. */
  async function runIntent(
    subscription: SubscriptionRecord,
    kind: ChangeKind,
    request: Record<string, unknown>,
    write: (idempotencyKey: string) => Promise<StripeSubscription>,
  ): Promise<StripeSubscription> {
    const fingerprint = createHash('sha256').update(JSON.stringify({ kind, request })).digest('hex');
    const intent = await changes.claimSubscriptionChange(pool, {
      subscriptionId: subscription.id,
      kind,
      request,
      fingerprint,
    });
    let result: StripeSubscription;
    try {
      result = await write(`billing-subscription-${kind}:${intent.id}`);
    } catch (error) {
      // A refusal stays a refusal; a timeout or outage leaves the intent pending so the retry reuses its key.
      if (isRefusedByStripe(error)) {
        await changes.completeSubscriptionChange(pool, intent.id, {
          status: 'failed',
          reason: error instanceof Error ? error.message : String(error),
        });
      }
      throw error;
    }
    await changes.completeSubscriptionChange(pool, intent.id, {
      status: 'succeeded',
      result: { status: result.status, items: result.items.data.map((item) => item.price.id) },
    });
    await subscriptions.refreshSubscription(result.id).catch((error: unknown) => {
      options.logger.warn({ err: error, subscription: result.id }, 'mirror refresh after a change failed');
    });
    return result;
  }

  return {
    async change(stripeSubscriptionId, request) {
      const { subscription, item, itemChange, prorationBehavior } = await planChange(
        stripeSubscriptionId,
        request,
      );
      const { price, quantity } = itemChange;
      if (price === item.stripe_price_id && quantity === item.quantity) {
        throw new AppError(
          'validation_failed',
          `price: the subscription is already on ${price} × ${quantity}`,
          {
            param: 'price',
          },
        );
      }
      return runIntent(
        subscription,
        'change',
        { price, quantity, proration_behavior: prorationBehavior },
        (key) =>
          stripe.updateSubscription(
            stripeSubscriptionId,
            { items: [itemChange], proration_behavior: prorationBehavior },
            key,
          ),
      );
    },

    async previewChange(stripeSubscriptionId, request) {
      const { subscription, itemChange, prorationBehavior } = await planChange(stripeSubscriptionId, request);
      const { price, quantity } = itemChange;
      const prorationDate = Math.floor(Date.now() / 1000);
      const invoice = await stripe.previewInvoice({
        customer: subscription.stripe_customer_id,
        subscription: stripeSubscriptionId,
        subscription_details: {
          items: [itemChange],
          proration_behavior: prorationBehavior,
          proration_date: prorationDate,
        },
      });
      const lines = invoice.lines.data.map((line) => ({
        description: line.description ?? '',
        amount: line.amount,
        proration:
          line.parent?.subscription_item_details?.proration ??
          line.parent?.invoice_item_details?.proration ??
          false,
      }));
      return {
        subscription: stripeSubscriptionId,
        price,
        quantity,
        proration_behavior: prorationBehavior,
        proration_date: new Date(prorationDate * 1000).toISOString(),
        currency: invoice.currency,
        proration_amount: lines.filter((line) => line.proration).reduce((sum, line) => sum + line.amount, 0),
        amount_due: invoice.amount_due,
        lines,
      };
    },

    async cancel(stripeSubscriptionId, request) {
      const subscription = await subscriptions.getOwned(stripeSubscriptionId);
      if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') {
        throw new AppError(
          'conflict',
          `Subscription ${stripeSubscriptionId} is already ${subscription.status}`,
        );
      }
      if (request.at_period_end) {
        return runIntent(subscription, 'cancel', { at_period_end: true }, (key) =>
          stripe.updateSubscription(stripeSubscriptionId, { cancel_at_period_end: true }, key),
        );
      }
      return runIntent(subscription, 'cancel', { at_period_end: false }, (key) =>
        stripe.cancelSubscription(stripeSubscriptionId, {}, key),
      );
    },

    async resume(stripeSubscriptionId) {
      const subscription = await subscriptions.getOwned(stripeSubscriptionId);
      requireLive(subscription);
      if (!subscription.cancel_at_period_end && subscription.cancel_at === null) {
        throw new AppError('conflict', `Subscription ${stripeSubscriptionId} is not scheduled to cancel`);
      }
      // A cancellation at a chosen date (cancel_at, e.g. set in the Dashboard) is undone by unsetting it.
      const params = subscription.cancel_at_period_end
        ? { cancel_at_period_end: false }
        : { cancel_at: '' as const };
      return runIntent(subscription, 'resume', params, (key) =>
        stripe.updateSubscription(stripeSubscriptionId, params, key),
      );
    },
  };
}
