// The /v1/subscription_items routes.
import type { FastifyInstance } from 'fastify';
import { applyItemChanges, changeSubscription } from '../billing/subscription-changes.js';
import { subscriptionItemsTable, subscriptions, type Subscription } from '../billing/subscriptions.js';
import { nowOn } from '../billing/time.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import { paginate } from '../core/list.js';
import { applyMetadata, optionalInteger, requiredString } from '../core/params.js';
import { requestParams } from '../core/request-params.js';
import { parseProrationBehavior, priceOfItem } from './subscription-params.js';

/** Subscription items: the same changes as `items[]` on a subscription update, one item at a time. */
export function registerSubscriptionItemRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('si', 'subscription_item');
  const table = subscriptionItemsTable(context);

  function subscriptionOf(id: string, param: string): Subscription {
    const subscription = subscriptions(context).get(id, param);
    if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') {
      throw invalidRequest(
        'A canceled subscription can only update its cancellation_details and metadata.',
        param,
      );
    }
    return subscription;
  }

  app.post('/v1/subscription_items', async (request) => {
    const params = requestParams(request);
    const subscription = subscriptionOf(requiredString(params, 'subscription'), 'subscription');
    const clock = subscription.test_clock;
    const price = priceOfItem(context, params, 'price', nowOn(context, clock), true);
    if (!price) throw missingParam('price');
    if (subscription.items.data.some((item) => item.price.id === price.id)) {
      throw invalidRequest(
        'Cannot add multiple subscription items with the same price to the same subscription.',
        'price',
      );
    }
    changeSubscription(context, subscription, clock, () =>
      applyItemChanges(
        context,
        subscription,
        [{ price, quantity: optionalInteger(params, 'quantity') ?? 1, metadata: applyMetadata({}, params) }],
        {
          prorationBehavior: parseProrationBehavior(params),
          clock,
        },
      ),
    );
    return subscription.items.data[subscription.items.data.length - 1];
  });

  app.get<{ Params: { id: string } }>('/v1/subscription_items/:id', async (request) =>
    table.get(request.params.id, 'id'),
  );

  app.post<{ Params: { id: string } }>('/v1/subscription_items/:id', async (request) => {
    const params = requestParams(request);
    const item = table.get(request.params.id, 'id');
    const subscription = subscriptionOf(item.subscription, 'id');
    const clock = subscription.test_clock;
    const price = priceOfItem(context, params, 'price', nowOn(context, clock), true);
    const quantity = optionalInteger(params, 'quantity') ?? undefined;
    changeSubscription(context, subscription, clock, () =>
      applyItemChanges(
        context,
        subscription,
        [
          {
            id: item.id,
            ...(price ? { price } : {}),
            ...(quantity !== undefined ? { quantity } : {}),
            metadata: applyMetadata(item.metadata, params),
          },
        ],
        { prorationBehavior: parseProrationBehavior(params), clock },
      ),
    );
    return table.get(item.id);
  });

  app.delete<{ Params: { id: string } }>('/v1/subscription_items/:id', async (request) => {
    const params = requestParams(request);
    const item = table.get(request.params.id, 'id');
    const subscription = subscriptionOf(item.subscription, 'id');
    const clock = subscription.test_clock;
    changeSubscription(context, subscription, clock, () =>
      applyItemChanges(context, subscription, [{ id: item.id, deleted: true }], {
        prorationBehavior: parseProrationBehavior(params),
        clock,
      }),
    );
    return { id: item.id, object: 'subscription_item', deleted: true };
  });

  app.get('/v1/subscription_items', async (request) => {
    const params = requestParams(request);
    const subscription = subscriptions(context).get(requiredString(params, 'subscription'), 'subscription');
    return paginate([...subscription.items.data].reverse(), params, '/v1/subscription_items');
  });
}
