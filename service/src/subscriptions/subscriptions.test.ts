import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { completeCheckoutSession } from '../test-support/emulator-control.js';
import {
  CANCEL_URL,
  startSeededTestApp,
  SUCCESS_URL,
  type SeededTestApp,
} from '../test-support/seeded-test-app.js';

interface SubscriptionView {
  id: string;
  status: string;
  cancel_at_period_end: boolean;
  canceled_at: string | null;
  current_period_end: string | null;
  items: Array<{ price: string; product: string; quantity: number }>;
}

describe('subscriptions', () => {
  let world: SeededTestApp;
  let count = 0;

  beforeAll(async () => {
    world = await startSeededTestApp({ STRIPE_TIMEOUT_MS: '300' });
  });
  afterEach(() => {
    world.emulator.faults.clear();
  });
  afterAll(async () => {
    await world.closeAll();
  });
  const syncSubscription = (id: string) => world.dependencies.subscriptions.refreshSubscription(id);

  /** A customer with an active Pro monthly subscription, bought through checkout. */
  async function subscribedCustomer(): Promise<{ customer: string; subscription: SubscriptionView }> {
    count += 1;
    const customer = `subscriber_${count}`;
    await world.call('POST', '/v1/customers', { external_id: customer, email: `${customer}@example.com` });
    const session = await world.call('POST', '/v1/checkout/sessions', {
      customer,
      mode: 'subscription',
      items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
      success_url: SUCCESS_URL,
      cancel_url: CANCEL_URL,
    });
    await completeCheckoutSession(world.emulator, session.json<{ id: string }>().id);
    const synced = await world.call('POST', `/v1/customers/${customer}/subscriptions/sync`);
    const subscription = synced.json<{ data: SubscriptionView[] }>().data[0]!;
    return { customer, subscription };
  }

  it('lists the subscriptions of a customer from the mirror, with items and period', async () => {
    const { customer, subscription } = await subscribedCustomer();
    const response = await world.call('GET', `/v1/customers/${customer}/subscriptions`);
    expect(response.statusCode).toBe(200);
    const [listed] = response.json<{ data: SubscriptionView[] }>().data;
    expect(listed).toEqual(subscription);
    expect(listed).toMatchObject({ status: 'active', items: [{ product: 'prod_pro', quantity: 1 }] });
    expect(Date.parse(listed!.current_period_end!)).toBeGreaterThan(Date.now());
    expect((await world.call('GET', '/v1/customers/nobody/subscriptions')).statusCode).toBe(404);
  });

  it('previews the proration of a plan change without changing anything', async () => {
    const { subscription } = await subscribedCustomer();
    const response = await world.call('POST', `/v1/subscriptions/${subscription.id}/change/preview`, {
      lookup_key: 'team_monthly',
    });
    expect(response.statusCode).toBe(200);
    const preview = response.json<{
      proration_amount: number;
      currency: string;
      lines: Array<{ proration: boolean }>;
    }>();
    expect(preview.currency).toBe('usd');
    // Nearly a whole month left: about 5000 − 2000 of prorations.
    expect(preview.proration_amount).toBeGreaterThan(2900);
    expect(preview.proration_amount).toBeLessThanOrEqual(3000);
    expect(preview.lines.filter((line) => line.proration)).toHaveLength(2);
    const stored = world.emulator.context.state.table('subscription').get(subscription.id) as unknown as {
      items: { data: Array<{ price: { lookup_key: string } }> };
    };
    expect(stored.items.data[0]?.price.lookup_key).toBe('pro_monthly');
  });

  it('changes the plan, returns Stripe’s result at once and refreshes the mirror', async () => {
    const { customer, subscription } = await subscribedCustomer();
    const response = await world.call('POST', `/v1/subscriptions/${subscription.id}/change`, {
      lookup_key: 'team_monthly',
      proration_behavior: 'none',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json<SubscriptionView>().items).toEqual([
      expect.objectContaining({ product: 'prod_team', quantity: 1 }),
    ]);
    const listed = (await world.call('GET', `/v1/customers/${customer}/subscriptions`)).json<{
      data: SubscriptionView[];
    }>();
    expect(listed.data[0]?.items[0]?.product).toBe('prod_team');
    const same = await world.call('POST', `/v1/subscriptions/${subscription.id}/change`, {
      lookup_key: 'team_monthly',
    });
    expect(same.statusCode).toBe(400);
    expect(same.json().error.message).toContain('already on');
  });

  it.each([
    ['a one-time price', { lookup_key: 'mug' }, 'not recurring'],
    ['an unknown price', { price: 'price_nope' }, 'no such price'],
    ['an inactive price', { lookup_key: 'legacy_monthly' }, 'not active'],
    ['neither price nor lookup_key', { quantity: 2 }, 'either price or lookup_key'],
  ])('refuses a change to %s', async (_name, body, reason) => {
    const { subscription } = await subscribedCustomer();
    const response = await world.call('POST', `/v1/subscriptions/${subscription.id}/change`, body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain(reason);
  });

  it('applies a change exactly once when the first attempt times out and is retried', async () => {
    const { subscription } = await subscribedCustomer();
    world.emulator.faults.add({
      type: 'latency',
      endpoint: 'POST /v1/subscriptions/:id',
      latency_ms: 800,
      count: 1,
    });
    const body = { lookup_key: 'team_monthly', proration_behavior: 'create_prorations' };
    const failed = await world.call('POST', `/v1/subscriptions/${subscription.id}/change`, body);
    expect(failed.statusCode).toBe(504);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const retried = await world.call('POST', `/v1/subscriptions/${subscription.id}/change`, body);
    expect(retried.statusCode).toBe(200);
    // One change at Stripe: the two proration lines of one switch, not four.
    const pending = world.emulator.context.state.table('invoiceitem').list() as unknown as Array<{
      parent: { subscription_details: { subscription: string } };
    }>;
    expect(
      pending.filter((item) => item.parent.subscription_details.subscription === subscription.id),
    ).toHaveLength(2);
    const intents = await world.dependencies.pool.query(
      `SELECT subscription_changes.status FROM subscription_changes JOIN subscriptions ON subscriptions.id = subscription_id
       WHERE stripe_subscription_id = $1`,
      [subscription.id],
    );
    expect(intents.rows).toEqual([{ status: 'succeeded' }]);
  });

  it('cancels once when the connection drops after Stripe applied the cancellation', async () => {
    const { subscription } = await subscribedCustomer();
    const updates = () =>
      world.emulator.context.state
        .table('event')
        .list()
        .filter((event) => {
          const typed = event as unknown as { type: string; data: { object: { id: string } } };
          return typed.type === 'customer.subscription.updated' && typed.data.object.id === subscription.id;
        }).length;
    const updatesBefore = updates();
    world.emulator.faults.add({
      type: 'drop',
      endpoint: 'POST /v1/subscriptions/:id',
      phase: 'after',
      count: 2,
    });
    const failed = await world.call('POST', `/v1/subscriptions/${subscription.id}/cancel`);
    expect(failed.statusCode).toBe(503);
    const retried = await world.call('POST', `/v1/subscriptions/${subscription.id}/cancel`);
    expect(retried.json<SubscriptionView>()).toMatchObject({ cancel_at_period_end: true });
    const intents = await world.dependencies.pool.query(
      `SELECT subscription_changes.status FROM subscription_changes JOIN subscriptions ON subscriptions.id = subscription_id
       WHERE stripe_subscription_id = $1`,
      [subscription.id],
    );
    // One intent, its Stripe key replayed by the retry: Stripe saw one cancellation request.
    expect(intents.rows).toEqual([{ status: 'succeeded' }]);
    expect(updates()).toBe(updatesBefore + 1);
  });

  it('cancels at period end, resumes, and cancels now', async () => {
    const { subscription } = await subscribedCustomer();
    const url = `/v1/subscriptions/${subscription.id}`;
    // No body at all: cancel at period end is the default.
    const scheduled = await world.call('POST', `${url}/cancel`);
    expect(scheduled.json<SubscriptionView>()).toMatchObject({
      status: 'active',
      cancel_at_period_end: true,
    });
    expect(
      (await world.call('POST', `${url}/resume`, {})).json<SubscriptionView>().cancel_at_period_end,
    ).toBe(false);
    expect((await world.call('POST', `${url}/resume`, {})).statusCode).toBe(409);
    const now = await world.call('POST', `${url}/cancel`, { at_period_end: false });
    expect(now.json<SubscriptionView>()).toMatchObject({ status: 'canceled' });
    expect((await world.call('POST', `${url}/cancel`, {})).statusCode).toBe(409);
    expect((await world.call('POST', `${url}/change`, { lookup_key: 'team_monthly' })).statusCode).toBe(409);
  });

  it('resumes a cancellation scheduled for a chosen date (cancel_at)', async () => {
    const { subscription } = await subscribedCustomer();
    const { stripe } = world.dependencies;
    const inTenDays = Math.floor(Date.now() / 1000) + 10 * 24 * 3600;
    await stripe.updateSubscription(
      subscription.id,
      { cancel_at: inTenDays },
      `test-cancel-at-${subscription.id}`,
    );
    expect((await syncSubscription(subscription.id))?.cancel_at).not.toBeNull();
    const resumed = await world.call('POST', `/v1/subscriptions/${subscription.id}/resume`);
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json<{ cancel_at: string | null }>().cancel_at).toBeNull();
  });

  it('answers 404 for a subscription that is not one of ours, and 400 for a malformed id', async () => {
    expect((await world.call('POST', '/v1/subscriptions/sub_unknown123/cancel', {})).statusCode).toBe(404);
    const malformed = await world.call('POST', '/v1/subscriptions/abc/cancel', {});
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.param).toBe('id');
  });

  it('syncs concurrently without losing the newest state, and returns undefined for unknown ids', async () => {
    const { subscription } = await subscribedCustomer();
    const results = await Promise.all(Array.from({ length: 5 }, () => syncSubscription(subscription.id)));
    expect(results.every((record) => record?.product_ids[0] === 'prod_pro')).toBe(true);
    expect(await syncSubscription('sub_doesnotexist')).toBeUndefined();
  });
});
