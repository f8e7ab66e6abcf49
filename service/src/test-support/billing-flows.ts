// The emulator's billing flows driven through our API and the emulator's pages/control routes (as a buyer and
// time would act), and the comparison of our stored state with the emulator's.
import { expect } from 'vitest';
import { completeCheckoutSession } from './emulator-control.js';
import { SHOP, type BillingWorld } from './billing-world.js';

const SUCCESS_URL = `${SHOP}/success?session_id={CHECKOUT_SESSION_ID}`;
const CANCEL_URL = `${SHOP}/cart`;
const DAY = 24 * 3600;

/** An expandable Stripe field's id. */
const idOf = (value: string | { id: string } | null | undefined): string =>
  typeof value === 'string' ? value : (value?.id ?? '');

async function expectOk(response: { statusCode: number; body: string }, what: string): Promise<void> {
  if (response.statusCode >= 300) throw new Error(`${what}: ${response.statusCode} ${response.body}`);
}

export async function createCustomer(world: BillingWorld, externalId: string): Promise<void> {
  await expectOk(
    await world.call('POST', '/v1/customers', {
      external_id: externalId,
      email: `${externalId}@example.com`,
    }),
    'create customer',
  );
}

async function completeWithCard(world: BillingWorld, sessionId: string, card: string): Promise<void> {
  if (card === '4242424242424242') return completeCheckoutSession(world.emulator, sessionId);
  const response = await fetch(`${world.emulator.url}/_emulator/checkout/sessions/${sessionId}/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ card }),
  });
  if (!response.ok) throw new Error(`completing ${sessionId}: ${response.status} ${await response.text()}`);
}

export async function checkout(
  world: BillingWorld,
  request: {
    customer: string;
    mode: 'payment' | 'subscription';
    items: Array<{ lookup_key: string; quantity: number }>;
    trial_days?: number;
    card?: string;
  },
): Promise<string> {
  const { card = '4242424242424242', ...body } = request;
  const response = await world.call('POST', '/v1/checkout/sessions', {
    ...body,
    success_url: SUCCESS_URL,
    cancel_url: CANCEL_URL,
  });
  await expectOk(response, 'checkout');
  const sessionId = response.json<{ id: string }>().id;
  await completeWithCard(world, sessionId, card);
  return sessionId;
}

export async function advanceClock(world: BillingWorld, seconds: number): Promise<void> {
  const response = await fetch(`${world.emulator.url}/_emulator/clock/advance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ seconds }),
  });
  if (!response.ok) throw new Error(`clock advance: ${response.status}`);
}

async function switchToFailingCard(world: BillingWorld, sessionId: string): Promise<void> {
  const session = await world.stripe.checkout.sessions.retrieve(sessionId);
  const failing = await world.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
    customer: idOf(session.customer),
  });
  await world.stripe.subscriptions.update(idOf(session.subscription), { default_payment_method: failing.id });
}

async function subscriptionOf(world: BillingWorld, sessionId: string): Promise<string> {
  const session = await world.stripe.checkout.sessions.retrieve(sessionId);
  return idOf(session.subscription);
}

/** Opens a portal session through our API and performs `action` on the emulator's portal page. */
export async function portalAction(
  world: BillingWorld,
  customer: string,
  action: string,
  form: Record<string, string>,
) {
  const response = await world.call('POST', '/v1/portal/sessions', {
    customer,
    return_url: `${SHOP}/account`,
  });
  await expectOk(response, 'portal session');
  const { url } = response.json<{ url: string }>();
  const result = await fetch(`${url}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
  if (result.status >= 400) throw new Error(`portal ${action}: ${result.status} ${await result.text()}`);
}

/** Every flow of the issue, in one world; returns the external ids of the customers it used. */
export async function runAllFlows(world: BillingWorld): Promise<string[]> {
  const customers = ['buyer', 'cart', 'trial', 'renewing', 'failing', 'portal', 'refunded'];
  for (const customer of customers) await createCustomer(world, customer);

  // One item, and a cart.
  await checkout(world, {
    customer: 'buyer',
    mode: 'payment',
    items: [{ lookup_key: 'guide_pdf', quantity: 1 }],
  });
  await checkout(world, {
    customer: 'cart',
    mode: 'payment',
    items: [
      { lookup_key: 'guide_pdf', quantity: 1 },
      { lookup_key: 'coffee_beans', quantity: 2 },
      { lookup_key: 'mug', quantity: 3 },
    ],
  });
  // Refunds: one order refunded in part, then in full.
  const refundedSession = await checkout(world, {
    customer: 'refunded',
    mode: 'payment',
    items: [{ lookup_key: 'guide_pdf', quantity: 2 }],
  });
  const paymentIntent = idOf((await world.stripe.checkout.sessions.retrieve(refundedSession)).payment_intent);
  await world.stripe.refunds.create({ payment_intent: paymentIntent, amount: 1000 });

  // Subscriptions: with a trial, renewing, failing renewals, changed and cancelled in the portal.
  await checkout(world, {
    customer: 'trial',
    mode: 'subscription',
    items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
    trial_days: 60,
  });
  await checkout(world, {
    customer: 'renewing',
    mode: 'subscription',
    items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
  });
  // The 0341 card attaches but declines every charge: it pays nothing at checkout, so the customer subscribes
  // with a good card and switches to it, and the renewals fail.
  const failingSession = await checkout(world, {
    customer: 'failing',
    mode: 'subscription',
    items: [{ lookup_key: 'team_monthly', quantity: 1 }],
  });
  await switchToFailingCard(world, failingSession);
  const portalSession = await checkout(world, {
    customer: 'portal',
    mode: 'subscription',
    items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
  });
  const portalSubscription = await subscriptionOf(world, portalSession);
  const teamMonthly = (await world.stripe.prices.list({ lookup_keys: ['team_monthly'] })).data[0]!.id;
  await portalAction(world, 'portal', 'switch', { subscription: portalSubscription, price: teamMonthly });
  await portalAction(world, 'portal', 'cancel', { subscription: portalSubscription });

  // Three periods: renewals, the failing card's dunning to cancellation, the portal cancel taking effect.
  for (let period = 0; period < 3; period += 1) await advanceClock(world, 31 * DAY);
  await world.stripe.refunds.create({ payment_intent: paymentIntent });
  return customers;
}

interface OurSubscription {
  stripe_subscription_id: string;
  status: string;
  cancel_at_period_end: boolean;
  current_period_end: Date | null;
}

/** Our orders, subscriptions, invoices and entitlements equal what the emulator holds. */
export async function expectStateMatchesEmulator(world: BillingWorld, externalIds: string[]): Promise<void> {
  const { pool } = world.dependencies;
  const emulatorSubscriptions = await world.stripe.subscriptions
    .list({ status: 'all', limit: 100 })
    .autoPagingToArray({ limit: 10_000 });
  const ours = (await pool.query<OurSubscription>('SELECT * FROM subscriptions')).rows;
  expect(ours.map((row) => row.stripe_subscription_id).sort()).toEqual(
    emulatorSubscriptions.map((s) => s.id).sort(),
  );
  for (const subscription of emulatorSubscriptions) {
    const row = ours.find((candidate) => candidate.stripe_subscription_id === subscription.id)!;
    const periodEnd = Math.max(...subscription.items.data.map((item) => item.current_period_end));
    expect(
      { status: row.status, cancel: row.cancel_at_period_end, end: row.current_period_end?.getTime() },
      subscription.id,
    ).toEqual({
      status: subscription.status,
      cancel: subscription.cancel_at_period_end,
      end: periodEnd * 1000,
    });
  }

  const emulatorInvoices = (
    await world.stripe.invoices.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })
  ).filter((invoice) => invoice.status !== 'draft');
  const invoices = (
    await pool.query<{ stripe_invoice_id: string; status: string; amount_paid: string; total: string }>(
      'SELECT stripe_invoice_id, status, amount_paid, total FROM invoices',
    )
  ).rows;
  for (const invoice of emulatorInvoices) {
    const row = invoices.find((candidate) => candidate.stripe_invoice_id === invoice.id);
    expect(row, `invoice ${invoice.id} (${invoice.status})`).toBeDefined();
    expect(
      { status: row!.status, paid: Number(row!.amount_paid), total: Number(row!.total) },
      invoice.id,
    ).toEqual({
      status: invoice.status,
      paid: invoice.amount_paid,
      total: invoice.total,
    });
  }

  const sessions = (
    await world.stripe.checkout.sessions.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })
  ).filter((session) => session.mode === 'payment' && session.status === 'complete');
  const orders = (
    await pool.query<{
      stripe_checkout_session_id: string;
      status: string;
      amount_refunded: string;
      items: string;
    }>(
      `SELECT o.stripe_checkout_session_id, o.status, o.amount_refunded,
              (SELECT count(*) FROM order_items i WHERE i.order_id = o.id) AS items FROM orders o`,
    )
  ).rows;
  expect(orders).toHaveLength(sessions.length);
  for (const session of sessions) {
    const intent = await world.stripe.paymentIntents.retrieve(idOf(session.payment_intent), {
      expand: ['latest_charge'],
    });
    const charge = intent.latest_charge as { amount_refunded: number; amount: number };
    const expectedStatus =
      charge.amount_refunded === 0
        ? 'paid'
        : charge.amount_refunded >= charge.amount
          ? 'refunded'
          : 'partially_refunded';
    const lineItems = await world.stripe.checkout.sessions.listLineItems(session.id);
    const row = orders.find((order) => order.stripe_checkout_session_id === session.id)!;
    expect(
      { status: row.status, refunded: Number(row.amount_refunded), items: Number(row.items) },
      session.id,
    ).toEqual({
      status: expectedStatus,
      refunded: charge.amount_refunded,
      items: lineItems.data.length,
    });
  }

  // Entitlements: from the emulator's subscriptions (active, trialing, past_due within grace) and paid orders.
  const features = new Map(
    (await world.stripe.products.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).map((product) => [
      product.id,
      (product.metadata.features ?? '').split(',').filter((feature) => feature !== ''),
    ]),
  );
  for (const externalId of externalIds) {
    const customer = (
      await pool.query<{ stripe_customer_id: string }>(
        'SELECT stripe_customer_id FROM customers WHERE external_id = $1',
        [externalId],
      )
    ).rows[0]!;
    const expected = new Set<string>();
    for (const subscription of emulatorSubscriptions) {
      if (subscription.customer !== customer.stripe_customer_id) continue;
      if (!['active', 'trialing', 'past_due'].includes(subscription.status)) continue;
      for (const item of subscription.items.data) {
        for (const feature of features.get(idOf(item.price.product)) ?? []) expected.add(feature);
      }
    }
    for (const session of sessions.filter(
      (candidate) => candidate.customer === customer.stripe_customer_id,
    )) {
      const row = orders.find((order) => order.stripe_checkout_session_id === session.id)!;
      if (row.status === 'refunded') continue;
      for (const line of (await world.stripe.checkout.sessions.listLineItems(session.id)).data) {
        for (const feature of features.get(idOf(line.price?.product)) ?? []) expected.add(feature);
      }
    }
    const response = await world.call('GET', `/v1/customers/${externalId}/entitlements`);
    const held = response
      .json<{ entitlements: Array<{ feature: string }> }>()
      .entitlements.map((entry) => entry.feature);
    expect(held.sort(), externalId).toEqual([...expected].sort());
  }
}
