import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, checkout, createCustomer } from '../test-support/billing-flows.js';
import { startBillingWorld, type BillingWorld } from '../test-support/billing-world.js';

interface OrderView {
  id: string;
  customer: string;
  status: string;
  currency: string;
  amount_total: number;
  amount_refunded: number;
  checkout_session: string;
  lines: Array<{ product: string; quantity: number; amount_total: number }>;
  refunds: unknown[];
}
interface InvoiceView {
  id: string;
  customer: string;
  subscription: string | null;
  status: string;
  amount_paid: number;
  hosted_invoice_url: string | null;
  invoice_pdf: string | null;
}
interface Page<Item> {
  data: Item[];
  has_more: boolean;
}

describe('order, invoice and checkout session history', () => {
  let world: BillingWorld;
  const sessions: string[] = [];
  let subscriptionSession = '';

  beforeAll(async () => {
    world = await startBillingWorld();
    await createCustomer(world, 'historian');
    await createCustomer(world, 'other');
    for (const quantity of [1, 2, 3]) {
      // An hour apart at Stripe: the history's newest-first order is Stripe's creation time of the session.
      if (quantity > 1) await advanceClock(world, 3600);
      sessions.push(
        await checkout(world, {
          customer: 'historian',
          mode: 'payment',
          items: [
            { lookup_key: 'guide_pdf', quantity },
            { lookup_key: 'mug', quantity: 1 },
          ],
        }),
      );
    }
    subscriptionSession = await checkout(world, {
      customer: 'historian',
      mode: 'subscription',
      items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
    });
    // The renewal: its invoice is finalized and paid an hour or so after the period ends.
    await advanceClock(world, 31 * 24 * 3600);
    await advanceClock(world, 2 * 24 * 3600);
    await checkout(world, {
      customer: 'other',
      mode: 'payment',
      items: [{ lookup_key: 'mug', quantity: 1 }],
    });
    await world.settle(30_000);
  });
  afterAll(async () => {
    await world.closeAll();
  });

  it("lists a customer's orders newest first with lines and amounts, a page at a time", async () => {
    const first = await world.call('GET', '/v1/customers/historian/orders?limit=2');
    expect(first.statusCode).toBe(200);
    const page = first.json<Page<OrderView>>();
    expect(page.has_more).toBe(true);
    expect(page.data.map((order) => order.checkout_session)).toEqual([sessions[2], sessions[1]]);
    expect(page.data[0]).toMatchObject({
      customer: 'historian',
      status: 'paid',
      currency: 'usd',
      amount_total: 3 * 1900 + 900,
      amount_refunded: 0,
      refunds: [],
    });
    expect(
      page.data[0]!.lines.map(({ product, quantity }) => ({ product, quantity })).sort((a, b) =>
        a.product.localeCompare(b.product),
      ),
    ).toEqual([
      { product: 'prod_guide', quantity: 3 },
      { product: 'prod_mug', quantity: 1 },
    ]);
    const next = await world.call(
      'GET',
      `/v1/customers/historian/orders?limit=2&starting_after=${page.data[1]!.id}`,
    );
    const rest = next.json<Page<OrderView>>();
    expect(rest.has_more).toBe(false);
    expect(rest.data.map((order) => order.checkout_session)).toEqual([sessions[0]]);
  });

  it('resolves an order entitlement source through GET /v1/orders/{id}', async () => {
    const entitlements = await world.call('GET', '/v1/entitlements/historian/guide');
    const source = entitlements.json<{ source: { type: string; id: string } }>().source;
    const target = source.type === 'order' ? `/v1/orders/${source.id}` : `/v1/subscriptions/${source.id}`;
    const resolved = await world.call('GET', target);
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json<{ id: string }>().id).toBe(source.id);

    const sso = (await world.call('GET', '/v1/entitlements/historian/sso')).json<{
      source: { type: string; id: string };
    }>().source;
    expect(sso.type).toBe('subscription');
    const subscription = await world.call('GET', `/v1/subscriptions/${sso.id}`);
    expect(subscription.statusCode).toBe(200);
    expect(subscription.json()).toMatchObject({ id: sso.id, status: 'active' });
  });

  it('refuses unknown ids (404), ids of another shape and foreign or malformed cursors (400)', async () => {
    const unknownOrder = await world.call('GET', '/v1/orders/00000000-0000-4000-8000-000000000000');
    expect(unknownOrder.statusCode).toBe(404);
    expect(unknownOrder.json()).toMatchObject({ error: { code: 'not_found' } });
    const shaped = await world.call('GET', `/v1/orders/${sessions[0]}`);
    expect(shaped.statusCode).toBe(400);
    expect((await world.call('GET', '/v1/customers/nobody/orders')).statusCode).toBe(404);
    expect((await world.call('GET', '/v1/customers/historian/orders?starting_after=nope')).statusCode).toBe(
      400,
    );
    const foreign = (await world.call('GET', '/v1/customers/other/orders')).json<Page<OrderView>>().data[0]!;
    const foreignCursor = await world.call(
      'GET',
      `/v1/customers/historian/orders?starting_after=${foreign.id}`,
    );
    expect(foreignCursor.statusCode).toBe(400);
    expect(foreignCursor.json()).toMatchObject({ error: { param: 'starting_after' } });
    expect((await world.call('GET', '/v1/customers/historian/orders?limit=0')).statusCode).toBe(400);
    expect((await world.call('GET', '/v1/invoices/in_unknown')).statusCode).toBe(404);
    expect((await world.call('GET', '/v1/invoices/sub_123')).statusCode).toBe(400);
    expect((await world.call('GET', '/v1/checkout/sessions/cs_test_unknown')).statusCode).toBe(404);
    expect((await world.call('GET', '/v1/checkout/sessions/in_123')).statusCode).toBe(400);
    expect((await world.call('GET', '/v1/subscriptions/sub_unknown')).statusCode).toBe(404);
  });

  it("lists a customer's invoices with the hosted page and PDF, and shows one", async () => {
    const response = await world.call('GET', '/v1/customers/historian/invoices?limit=1');
    expect(response.statusCode).toBe(200);
    const page = response.json<Page<InvoiceView>>();
    expect(page.has_more).toBe(true);
    const [newest] = page.data;
    expect(newest).toMatchObject({ customer: 'historian', status: 'paid', amount_paid: 2000 });
    expect(newest!.hosted_invoice_url).toBe(`${world.emulator.url}/invoices/${newest!.id}`);
    expect(newest!.invoice_pdf).toBe(`${world.emulator.url}/invoices/${newest!.id}/pdf`);
    const rest = await world.call('GET', `/v1/customers/historian/invoices?starting_after=${newest!.id}`);
    const older = rest.json<Page<InvoiceView>>();
    expect(older.has_more).toBe(false);
    const all = [newest!, ...older.data];
    const stripeInvoices = await world.stripe.invoices.list({
      customer: (await world.stripe.checkout.sessions.retrieve(subscriptionSession)).customer as string,
    });
    expect(all.map((invoice) => invoice.id).sort()).toEqual(
      stripeInvoices.data.map((invoice) => invoice.id).sort(),
    );
    const one = await world.call('GET', `/v1/invoices/${newest!.id}`);
    expect(one.json()).toEqual(newest);
    const otherCursor = await world.call('GET', `/v1/customers/other/invoices?starting_after=${newest!.id}`);
    expect(otherCursor.statusCode).toBe(400);
  });

  it('shows a checkout session with its payment status and the order or subscription it became', async () => {
    const paid = await world.call('GET', `/v1/checkout/sessions/${sessions[0]}`);
    expect(paid.statusCode).toBe(200);
    const order = (await world.call('GET', '/v1/customers/historian/orders'))
      .json<Page<OrderView>>()
      .data.find((candidate) => candidate.checkout_session === sessions[0])!;
    expect(paid.json()).toMatchObject({
      id: sessions[0],
      customer: 'historian',
      mode: 'payment',
      status: 'complete',
      payment_status: 'paid',
      amount_total: 1900 + 900,
      order: order.id,
      subscription: null,
    });
    const subscribed = await world.call('GET', `/v1/checkout/sessions/${subscriptionSession}`);
    const stripeSession = await world.stripe.checkout.sessions.retrieve(subscriptionSession);
    expect(subscribed.json()).toMatchObject({
      mode: 'subscription',
      status: 'complete',
      order: null,
      subscription: stripeSession.subscription,
    });
  });

  it('shows an open session as open and unpaid', async () => {
    const created = await world.call('POST', '/v1/checkout/sessions', {
      customer: 'other',
      mode: 'payment',
      items: [{ lookup_key: 'coffee_beans', quantity: 1 }],
      success_url: 'https://shop.example/ok',
      cancel_url: 'https://shop.example/cart',
    });
    const { id } = created.json<{ id: string }>();
    const open = await world.call('GET', `/v1/checkout/sessions/${id}`);
    expect(open.json()).toMatchObject({ id, status: 'open', payment_status: 'unpaid', order: null });
  });
});
