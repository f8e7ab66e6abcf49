import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkout, createCustomer } from '../test-support/billing-flows.js';
import { startBillingWorld, type BillingWorld } from '../test-support/billing-world.js';

interface OrderView {
  id: string;
  status: string;
  amount_total: number;
  amount_refunded: number;
  checkout_session: string;
  refunds: Array<{ id: string; amount: number; status: string; stripe_refund_id: string | null }>;
}

describe('refunds of orders', () => {
  let world: BillingWorld;
  let count = 0;

  beforeAll(async () => {
    world = await startBillingWorld();
  });
  afterEach(() => {
    world.emulator.faults.clear();
  });
  afterAll(async () => {
    await world.closeAll();
  });

  /** A new customer with one paid order of `quantity` guides (1900 each), applied from its webhooks. */
  async function paidOrder(quantity = 2, customer = `refunder_${(count += 1)}`) {
    if (!(await world.call('GET', `/v1/customers/${customer}`)).statusCode.toString().startsWith('2')) {
      await createCustomer(world, customer);
    }
    const session = await checkout(world, {
      customer,
      mode: 'payment',
      items: [{ lookup_key: 'guide_pdf', quantity }],
    });
    await world.settle();
    const orders = (await world.call('GET', `/v1/customers/${customer}/orders`)).json<{
      data: OrderView[];
    }>();
    const order = orders.data.find((candidate) => candidate.checkout_session === session)!;
    return { customer, order };
  }

  const refund = (orderId: string, body: Record<string, unknown> = {}, key?: string) =>
    world.call(
      'POST',
      `/v1/orders/${orderId}/refunds`,
      body,
      key === undefined ? {} : { 'idempotency-key': key },
    );
  const order = async (orderId: string) =>
    (await world.call('GET', `/v1/orders/${orderId}`)).json<OrderView>();
  const entitled = async (customer: string, feature: string) =>
    (await world.call('GET', `/v1/entitlements/${customer}/${feature}`)).json<{
      entitled: boolean;
      source: { type: string; id: string } | null;
    }>();
  const stripeRefundsOf = async (paymentIntent: string) =>
    (await world.stripe.refunds.list({ payment_intent: paymentIntent, limit: 100 })).data;
  const paymentIntentOf = async (session: string) =>
    (await world.stripe.checkout.sessions.retrieve(session)).payment_intent as string;

  it('refunds in full: the order is refunded and what it granted is revoked', async () => {
    const { customer, order: paid } = await paidOrder();
    expect((await entitled(customer, 'guide')).entitled).toBe(true);
    const response = await refund(paid.id, { reason: 'requested_by_customer' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ order: paid.id, amount: 3800, status: 'succeeded' });
    await world.settle();
    const refunded = await order(paid.id);
    expect(refunded).toMatchObject({ status: 'refunded', amount_refunded: 3800 });
    expect(refunded.refunds).toHaveLength(1);
    expect(refunded.refunds[0]!.stripe_refund_id).toMatch(/^re_/);
    await expect.poll(async () => (await entitled(customer, 'guide')).entitled).toBe(false);
    expect(await stripeRefundsOf(await paymentIntentOf(paid.checkout_session))).toHaveLength(1);
    const again = await refund(paid.id);
    expect(again.statusCode).toBe(409);
  });

  it('refunds in part, refuses more than remains, then refunds the rest', async () => {
    const { customer, order: paid } = await paidOrder();
    expect((await refund(paid.id, { amount: 1000 })).statusCode).toBe(201);
    await world.settle();
    expect(await order(paid.id)).toMatchObject({ status: 'partially_refunded', amount_refunded: 1000 });
    expect((await entitled(customer, 'guide')).entitled).toBe(true);

    const tooMuch = await refund(paid.id, { amount: 2801 });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json()).toMatchObject({ error: { code: 'validation_failed', param: 'amount' } });
    const rest = await refund(paid.id);
    expect(rest.json()).toMatchObject({ amount: 2800, status: 'succeeded' });
    await world.settle();
    expect(await order(paid.id)).toMatchObject({ status: 'refunded', amount_refunded: 3800 });
    const atStripe = await stripeRefundsOf(await paymentIntentOf(paid.checkout_session));
    expect(atStripe.map((row) => row.amount).sort()).toEqual([1000, 2800]);
  });

  it('keeps a feature that another order of the customer grants too', async () => {
    const { customer, order: first } = await paidOrder(1);
    const { order: second } = await paidOrder(1, customer);
    expect((await refund(first.id)).statusCode).toBe(201);
    await world.settle();
    await expect
      .poll(async () => (await entitled(customer, 'guide')).source)
      .toEqual({
        type: 'order',
        id: second.id,
      });
  });

  it('never refunds more than the order paid under concurrent refunds', async () => {
    const { order: paid } = await paidOrder(2);
    const responses = await Promise.all(Array.from({ length: 6 }, () => refund(paid.id, { amount: 1000 })));
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([201, 201, 201, 400, 400, 400]);
    const atStripe = await stripeRefundsOf(await paymentIntentOf(paid.checkout_session));
    expect(atStripe.map((row) => row.amount)).toEqual([1000, 1000, 1000]);
    await world.settle();
    expect(await order(paid.id)).toMatchObject({ status: 'partially_refunded', amount_refunded: 3000 });
  });

  it('is idempotent through the Idempotency-Key, also when Stripe answered but the answer was lost', async () => {
    const { order: paid } = await paidOrder(2);
    const first = await refund(paid.id, { amount: 500 }, 'refund-once');
    const replay = await refund(paid.id, { amount: 500 }, 'refund-once');
    expect(replay.json()).toEqual(first.json());
    expect(replay.headers['idempotent-replayed']).toBe('true');

    // Stripe makes the refund, then the connection drops (twice: the SDK's own retry too).
    world.emulator.faults.add({ type: 'drop', endpoint: 'POST /v1/refunds', phase: 'after', count: 2 });
    const lost = await refund(paid.id, { amount: 700 }, 'refund-lost');
    expect(lost.statusCode).toBeGreaterThanOrEqual(500);
    const retried = await refund(paid.id, { amount: 700 }, 'refund-lost');
    expect(retried.statusCode).toBe(201);
    expect(retried.json()).toMatchObject({ amount: 700, status: 'succeeded' });
    const atStripe = await stripeRefundsOf(await paymentIntentOf(paid.checkout_session));
    expect(atStripe.map((row) => row.amount).sort()).toEqual([500, 700]);
  });

  it('refuses unknown orders, ids of another shape and invalid bodies', async () => {
    expect((await refund('00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await refund('cs_test_123')).statusCode).toBe(400);
    const { order: paid } = await paidOrder(1);
    for (const body of [{ amount: 0 }, { amount: 1.5 }, { reason: 'bored' }, { amount: 100, extra: true }]) {
      expect((await refund(paid.id, body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(await stripeRefundsOf(await paymentIntentOf(paid.checkout_session))).toEqual([]);
  });
});
