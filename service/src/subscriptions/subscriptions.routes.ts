// Subscriptions: list a customer's (from the mirror), change plan (with a preview), cancel, resume.
import type { CustomersService } from '../customers/customers.service.js';
import { ExternalIdParams } from '../customers/customers.schemas.js';
import { errorResponses, IdempotencyKeyHeader, STRIPE_ERROR_STATUSES } from '../http/api-schemas.js';
import type { AppInstance } from '../http/app-instance.js';
import type { StripeSubscription } from '../stripe/stripe-objects.js';
import type { SubscriptionChangesService } from './subscription-changes.service.js';
import { subscriptionInputOf, subscriptionItemsOf } from './subscription-snapshot.js';
import {
  CancelBody,
  ChangeBody,
  ChangePreview,
  SubscriptionIdParams,
  SubscriptionList,
  SubscriptionView,
} from './subscriptions.schemas.js';
import type { SubscriptionRecord, SubscriptionsService } from './subscriptions.service.js';

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function subscriptionView(record: SubscriptionRecord) {
  return {
    id: record.stripe_subscription_id,
    status: record.status,
    cancel_at_period_end: record.cancel_at_period_end,
    cancel_at: iso(record.cancel_at),
    canceled_at: iso(record.canceled_at),
    trial_end: iso(record.trial_end),
    current_period_start: iso(record.current_period_start),
    current_period_end: iso(record.current_period_end),
    items: record.items.map((item) => ({
      price: item.stripe_price_id,
      product: item.stripe_product_id,
      quantity: item.quantity,
    })),
  };
}

function stripeSubscriptionView(subscription: StripeSubscription) {
  const items = subscriptionItemsOf(subscription);
  const input = subscriptionInputOf(subscription, null);
  return subscriptionView({ ...input, id: '', synced_at: new Date(), items, product_ids: [] });
}

export function registerSubscriptionRoutes(
  app: AppInstance,
  dependencies: {
    customers: CustomersService;
    subscriptions: SubscriptionsService;
    subscriptionChanges: SubscriptionChangesService;
  },
): void {
  const { customers, subscriptions, subscriptionChanges } = dependencies;
  const writeErrors = errorResponses(404, 409, 422, ...STRIPE_ERROR_STATUSES);

  app.get(
    '/v1/customers/:external_id/subscriptions',
    {
      schema: {
        tags: ['subscriptions'],
        summary: "List a customer's subscriptions (as last synced from Stripe)",
        params: ExternalIdParams,
        response: { 200: SubscriptionList, ...errorResponses(404) },
      },
    },
    async (request) => {
      const customer = await customers.getByExternalId(request.params.external_id);
      return { data: (await subscriptions.listForCustomer(customer.id)).map(subscriptionView) };
    },
  );

  app.post(
    '/v1/customers/:external_id/subscriptions/sync',
    {
      schema: {
        tags: ['subscriptions'],
        summary: "Refresh a customer's subscriptions from Stripe now, then list them",
        params: ExternalIdParams,
        headers: IdempotencyKeyHeader,
        response: { 200: SubscriptionList, ...writeErrors },
      },
    },
    async (request) => {
      const customer = await customers.getBillableByExternalId(request.params.external_id, 'external_id');
      await subscriptions.syncCustomerSubscriptions(customer.stripe_customer_id);
      return { data: (await subscriptions.listForCustomer(customer.id)).map(subscriptionView) };
    },
  );

  app.post(
    '/v1/subscriptions/:id/change',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Switch the subscription to another price (plan), with proration',
        params: SubscriptionIdParams,
        headers: IdempotencyKeyHeader,
        body: ChangeBody,
        response: { 200: SubscriptionView, ...writeErrors },
      },
    },
    async (request) =>
      stripeSubscriptionView(await subscriptionChanges.change(request.params.id, request.body)),
  );

  app.post(
    '/v1/subscriptions/:id/change/preview',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Preview what a plan change would bill (proration amount), without changing anything',
        params: SubscriptionIdParams,
        headers: IdempotencyKeyHeader,
        body: ChangeBody,
        response: { 200: ChangePreview, ...writeErrors },
      },
    },
    async (request) => subscriptionChanges.previewChange(request.params.id, request.body),
  );

  app.post(
    '/v1/subscriptions/:id/cancel',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Cancel at the end of the period (default) or now',
        params: SubscriptionIdParams,
        headers: IdempotencyKeyHeader,
        body: CancelBody,
        response: { 200: SubscriptionView, ...writeErrors },
      },
      // The body is optional: a bare POST cancels at period end.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) =>
      stripeSubscriptionView(
        await subscriptionChanges.cancel(request.params.id, {
          at_period_end: request.body.at_period_end ?? true,
        }),
      ),
  );

  app.post(
    '/v1/subscriptions/:id/resume',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Undo a scheduled cancellation',
        params: SubscriptionIdParams,
        headers: IdempotencyKeyHeader,
        response: { 200: SubscriptionView, ...writeErrors },
      },
    },
    async (request) => stripeSubscriptionView(await subscriptionChanges.resume(request.params.id)),
  );
}
