// Each handler, through the real route and worker: Stripe's own sample events (API version 2020-03-02), and
// events the emulator emits for flows the end-to-end suite does not reach (bank debits, expiry, pause and
// resume, authentication required, customer deletion), including a subscription event rendered in an old API
// version (top-level current_period_end) that must still leave the mirror equal to Stripe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, checkout, createCustomer } from '../../test-support/billing-flows.js';
import { startBillingWorld, WEBHOOK_SECRET, type BillingWorld } from '../../test-support/billing-world.js';
import { readReferenceEvent, reissueEvent, signPayload } from '../../test-support/stripe-events.js';
import { postWebhook } from '../../test-support/webhook-delivery.js';
import { HANDLED_EVENT_TYPES } from './handler-registry.js';

describe('event handlers', () => {
  let world: BillingWorld;

  beforeAll(async () => {
    world = await startBillingWorld();
  });
  afterAll(async () => {
    await world.closeAll();
  });

  const deliver = async (payload: string) => {
    const response = await postWebhook(world.app, payload, signPayload(payload, WEBHOOK_SECRET));
    expect(response.statusCode).toBe(200);
  };
  const statusOf = async (eventId: string) =>
    (
      await world.dependencies.pool.query<{ status: string; last_error: string | null }>(
        'SELECT status, last_error FROM stripe_events WHERE id = $1',
        [eventId],
      )
    ).rows[0];
  const query = async <Row extends Record<string, unknown>>(sql: string, values: unknown[] = []) =>
    (await world.dependencies.pool.query<Row>(sql, values)).rows;

  it("applies Stripe's sample events of every handled type in the 2020-03-02 API version", async () => {
    const samples = [
      'product_created',
      'product_updated',
      'price_created',
      'price_updated',
      'customer_updated',
      'subscription_created',
      'subscription_updated',
      'invoice_paid',
      'invoice_finalized',
      'checkout_session_completed',
      'charge_refunded',
      'price_deleted',
      'product_deleted',
      'subscription_deleted',
      'customer_deleted',
    ];
    // The sample files reuse one event id for a price's (and a customer's) creation/update and deletion: the
    // deletions are given their own ids, or they would rightly be taken for duplicates.
    const payloadOf = (name: string) => {
      const payload = readReferenceEvent(name);
      const { id } = JSON.parse(payload) as { id: string };
      return name.endsWith('_deleted') ? reissueEvent(payload, `${id}_deleted`) : payload;
    };
    for (const name of samples) await deliver(payloadOf(name));
    await world.settle();
    for (const name of samples) {
      const event = JSON.parse(payloadOf(name)) as { id: string; type: string };
      expect(HANDLED_EVENT_TYPES).toContain(event.type);
      expect(await statusOf(event.id), name).toMatchObject({ status: 'processed' });
    }
    const products = await query<{ id: string; deleted_at: Date | null }>(
      "SELECT id, deleted_at FROM products WHERE id IN ('prod_JdJ6Wt7rsz4EPJ', 'prod_IsRLOp58Z7V4XN') ORDER BY id",
    );
    expect(products.map((row) => [row.id, row.deleted_at !== null])).toEqual([
      ['prod_IsRLOp58Z7V4XN', false],
      ['prod_JdJ6Wt7rsz4EPJ', true],
    ]);
    const prices = await query<{ id: string; deleted: boolean }>(
      "SELECT id, deleted_at IS NOT NULL AS deleted FROM prices WHERE id LIKE 'price_1J02UO%' OR id LIKE 'price_1IDQm5%' ORDER BY id",
    );
    expect(prices).toEqual([
      { id: 'price_1IDQm5JDPojXS6LNM31hxKzp', deleted: false },
      { id: 'price_1J02UOJDPojXS6LNDao8fiaO', deleted: true },
    ]);
    // Objects Stripe does not know (another account's samples) leave no rows behind.
    expect(await query("SELECT 1 FROM subscriptions WHERE stripe_subscription_id LIKE 'sub_Jd%'")).toEqual(
      [],
    );
    expect(await query("SELECT 1 FROM orders WHERE stripe_checkout_session_id LIKE 'cs_live_%'")).toEqual([]);
  });

  it('applies a subscription event rendered in an old API version as Stripe holds the subscription now', async () => {
    await createCustomer(world, 'legacy');
    const session = await checkout(world, {
      customer: 'legacy',
      mode: 'subscription',
      items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
    });
    await world.settle();
    const subscription = await world.stripe.subscriptions.retrieve(
      (await world.stripe.checkout.sessions.retrieve(session)).subscription as string,
    );
    // What a 2020-03-02 endpoint receives: the period on the subscription itself, none on its items, and a
    // status that is older than Stripe's.
    const legacy = JSON.parse(readReferenceEvent('subscription_updated')) as Record<string, unknown>;
    const periodEnd = subscription.items.data[0]!.current_period_end;
    const payload = JSON.stringify({
      ...legacy,
      id: 'evt_legacy_subscription_update',
      created: Math.floor(Date.now() / 1000),
      data: {
        object: {
          ...subscription,
          status: 'incomplete',
          current_period_end: periodEnd - 999,
          items: { data: [] },
        },
      },
    });
    await deliver(payload);
    await world.settle();
    const [row] = await query<{ status: string; current_period_end: Date }>(
      'SELECT status, current_period_end FROM subscriptions WHERE stripe_subscription_id = $1',
      [subscription.id],
    );
    expect(row).toEqual({ status: 'active', current_period_end: new Date(periodEnd * 1000) });
    const check = await world.call('GET', '/v1/entitlements/legacy/sso');
    expect(check.json()).toMatchObject({
      entitled: true,
      source: { type: 'subscription', id: subscription.id },
    });
  });

  it('keeps a bank-debit order pending until async_payment_succeeded, and fails it on async_payment_failed', async () => {
    await createCustomer(world, 'debit');
    const pay = async (account: string) => {
      const response = await world.call('POST', '/v1/checkout/sessions', {
        customer: 'debit',
        mode: 'payment',
        items: [{ lookup_key: account === '000123456789' ? 'guide_pdf' : 'mug', quantity: 1 }],
        success_url: 'https://shop.example/ok',
        cancel_url: 'https://shop.example/cart',
      });
      const { id } = response.json<{ id: string }>();
      const completed = await fetch(`${world.emulator.url}/_emulator/checkout/sessions/${id}/complete`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ bank_account: account, email: 'debit@example.com' }),
      });
      expect(completed.status).toBe(200);
      return id;
    };
    const succeeding = await pay('000123456789');
    const failing = await pay('000111111113');
    await world.settle();
    const orderStatus = async (sessionId: string) =>
      (
        await query<{ status: string }>('SELECT status FROM orders WHERE stripe_checkout_session_id = $1', [
          sessionId,
        ])
      )[0]?.status;
    expect(await orderStatus(succeeding)).toBe('pending');
    expect((await world.call('GET', '/v1/entitlements/debit/guide')).json()).toMatchObject({
      entitled: false,
    });
    await advanceClock(world, 120);
    await world.settle();
    expect(await orderStatus(succeeding)).toBe('paid');
    expect(await orderStatus(failing)).toBe('failed');
    expect((await world.call('GET', '/v1/entitlements/debit/guide')).json()).toMatchObject({
      entitled: true,
      source: { type: 'order' },
    });
  });

  it('marks our checkout session expired on checkout.session.expired', async () => {
    await createCustomer(world, 'expiring');
    const response = await world.call('POST', '/v1/checkout/sessions', {
      customer: 'expiring',
      mode: 'payment',
      items: [{ lookup_key: 'mug', quantity: 1 }],
      success_url: 'https://shop.example/ok',
      cancel_url: 'https://shop.example/cart',
    });
    const { id } = response.json<{ id: string }>();
    await world.stripe.checkout.sessions.expire(id);
    await world.settle();
    const [row] = await query<{ status: string }>(
      'SELECT status FROM checkout_sessions WHERE stripe_checkout_session_id = $1',
      [id],
    );
    expect(row?.status).toBe('expired');
  });

  it('mirrors a paused and resumed subscription, and drops entitlements while it is paused', async () => {
    await createCustomer(world, 'pausing');
    const [customer] = await query<{ stripe_customer_id: string }>(
      "SELECT stripe_customer_id FROM customers WHERE external_id = 'pausing'",
    );
    const price = (await world.stripe.prices.list({ lookup_keys: ['pro_monthly'] })).data[0]!;
    const subscription = await world.stripe.subscriptions.create({
      customer: customer!.stripe_customer_id,
      items: [{ price: price.id }],
      trial_period_days: 1,
      trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
    });
    await world.settle();
    expect((await world.call('GET', '/v1/entitlements/pausing/sso')).json()).toMatchObject({
      entitled: true,
    });
    await advanceClock(world, 2 * 24 * 3600);
    await world.settle();
    const status = async () =>
      (
        await query<{ status: string }>(
          'SELECT status FROM subscriptions WHERE stripe_subscription_id = $1',
          [subscription.id],
        )
      )[0]?.status;
    expect(await status()).toBe('paused');
    expect((await world.call('GET', '/v1/entitlements/pausing/sso')).json()).toMatchObject({
      entitled: false,
    });
    await world.stripe.subscriptions.resume(subscription.id);
    await world.settle();
    expect(['active', 'past_due', 'incomplete']).toContain(await status());
    const types = await query<{ type: string }>(
      "SELECT DISTINCT type FROM stripe_events WHERE type IN ('customer.subscription.paused', 'customer.subscription.resumed') AND status = 'processed' ORDER BY type",
    );
    expect(types.map((row) => row.type)).toEqual([
      'customer.subscription.paused',
      'customer.subscription.resumed',
    ]);
  });

  it('stores an invoice that needs authentication as open on invoice.payment_action_required', async () => {
    await createCustomer(world, 'threeds');
    await checkout(world, {
      customer: 'threeds',
      mode: 'subscription',
      items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
      card: '4000002760003184',
    });
    await advanceClock(world, 32 * 24 * 3600);
    await world.settle();
    const events = await query<{ id: string; payload: string }>(
      "SELECT id, payload FROM stripe_events WHERE type = 'invoice.payment_action_required' AND status = 'processed'",
    );
    expect(events.length).toBeGreaterThan(0);
    const invoiceId = (JSON.parse(events[0]!.payload) as { data: { object: { id: string } } }).data.object.id;
    const stripeInvoice = await world.stripe.invoices.retrieve(invoiceId);
    const [row] = await query<{ status: string }>(
      'SELECT status FROM invoices WHERE stripe_invoice_id = $1',
      [invoiceId],
    );
    expect(row?.status).toBe(stripeInvoice.status);
  });

  it('marks our customer deleted on customer.deleted', async () => {
    await createCustomer(world, 'leaving');
    const [customer] = await query<{ stripe_customer_id: string }>(
      "SELECT stripe_customer_id FROM customers WHERE external_id = 'leaving'",
    );
    await world.stripe.customers.del(customer!.stripe_customer_id);
    await world.settle();
    const [row] = await query<{ deleted: boolean }>(
      "SELECT deleted_at IS NOT NULL AS deleted FROM customers WHERE external_id = 'leaving'",
    );
    expect(row?.deleted).toBe(true);
  });

  // Products, prices and customers are applied from the payload (no Stripe call) unless another event of the same
  // object was applied: an older one is skipped, one of the same second (unorderable) refetches the object.
  it('applies product, price and customer events by their second: older skipped, same second refetched, newer applied', async () => {
    const product = await world.stripe.products.create({ name: 'Plan v1', metadata: { features: 'tie' } });
    await world.stripe.products.update(product.id, { name: 'Plan v2' });
    const price = await world.stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 900,
    });
    await world.stripe.prices.update(price.id, { nickname: 'current' });
    await createCustomer(world, 'versions');
    const [{ stripe_customer_id: customerId } = { stripe_customer_id: '' }] = await query<{
      stripe_customer_id: string;
    }>("SELECT stripe_customer_id FROM customers WHERE external_id = 'versions'");
    await world.stripe.customers.update(customerId, { name: 'Current Name' });
    await world.settle();

    const cases = [
      {
        id: product.id,
        sample: 'product_updated',
        object: await world.stripe.products.retrieve(product.id),
        field: 'name',
        mirror: 'SELECT name AS value FROM products WHERE id = $1',
        current: 'Plan v2',
      },
      {
        id: price.id,
        sample: 'price_updated',
        object: await world.stripe.prices.retrieve(price.id),
        field: 'nickname',
        mirror: 'SELECT nickname AS value FROM prices WHERE id = $1',
        current: 'current',
      },
      {
        id: customerId,
        sample: 'customer_updated',
        object: await world.stripe.customers.retrieve(customerId),
        field: 'name',
        mirror: 'SELECT name AS value FROM customers WHERE stripe_customer_id = $1',
        current: 'Current Name',
      },
    ];
    for (const { id, sample, object, field, mirror, current } of cases) {
      const [version] = await query<{ seconds: number }>(
        'SELECT extract(epoch FROM event_created)::int AS seconds FROM stripe_object_versions WHERE object_id = $1',
        [id],
      );
      const applied = version!.seconds;
      const eventOf = (suffix: string, created: number, value: string) =>
        JSON.stringify({
          ...(JSON.parse(readReferenceEvent(sample)) as Record<string, unknown>),
          id: `evt_version_${id}_${suffix}`,
          created,
          data: { object: { ...object, [field]: value } },
        });
      const valueOf = async () => (await query<{ value: string }>(mirror, [id]))[0]?.value;

      await deliver(eventOf('same_second', applied, 'same second, maybe older'));
      await world.settle();
      expect(await valueOf(), `${sample}: same second → Stripe's object`).toBe(current);

      await deliver(eventOf('older', applied - 5, 'older'));
      await world.settle();
      expect(await valueOf(), `${sample}: older → skipped`).toBe(current);

      await deliver(eventOf('newer', applied + 5, 'newer, from the payload'));
      await world.settle();
      expect(await valueOf(), `${sample}: newer → its payload`).toBe('newer, from the payload');
    }
  });
});
