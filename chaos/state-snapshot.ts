// Collects a chaos run's end state for the invariant checker: our side from our database and our API, Stripe's
// side through the official stripe SDK pointed at the emulator, and the emulator's webhook delivery log.
import type Stripe from 'stripe';
import type { ChaosWorld } from './chaos-world.js';
import type { ChaosSnapshot } from './invariants.js';

const idOf = (value: string | { id: string } | null | undefined): string =>
  typeof value === 'string' ? value : (value?.id ?? '');

async function collectStripe(stripe: Stripe): Promise<ChaosSnapshot['stripe'] & { eventIds: string[] }> {
  const all = { limit: 10_000 };
  const customers = await stripe.customers.list({ limit: 100 }).autoPagingToArray(all);
  const subscriptions = await stripe.subscriptions.list({ status: 'all', limit: 100 }).autoPagingToArray(all);
  const sessions = (await stripe.checkout.sessions.list({ limit: 100 }).autoPagingToArray(all)).filter(
    (session) => session.mode === 'payment' && session.status === 'complete',
  );
  const paidSessions: ChaosSnapshot['stripe']['paidSessions'] = [];
  for (const session of sessions) {
    const intent = await stripe.paymentIntents.retrieve(idOf(session.payment_intent), {
      expand: ['latest_charge'],
    });
    const charge = intent.latest_charge as Stripe.Charge | null;
    const lines = await stripe.checkout.sessions
      .listLineItems(session.id, { limit: 100 })
      .autoPagingToArray(all);
    paidSessions.push({
      id: session.id,
      customer: idOf(session.customer),
      amount: charge?.amount ?? 0,
      amountRefunded: charge?.amount_refunded ?? 0,
      lineItems: lines.length,
      products: lines.map((line) => idOf(line.price?.product)),
    });
  }
  const invoices = (await stripe.invoices.list({ limit: 100 }).autoPagingToArray(all)).filter(
    (invoice) => invoice.status !== 'draft',
  );
  const products = await stripe.products.list({ limit: 100 }).autoPagingToArray(all);
  const events = await stripe.events.list({ limit: 100 }).autoPagingToArray(all);
  return {
    customers: customers.map((customer) => ({
      id: customer.id,
      email: customer.email ?? null,
      metadata: customer.metadata,
      created: customer.created,
    })),
    subscriptions: subscriptions.map((subscription) => ({
      id: subscription.id,
      customer: idOf(subscription.customer),
      status: subscription.status,
      cancelAtPeriodEnd: subscription.cancel_at_period_end,
      periodEnd: Math.max(...subscription.items.data.map((item) => item.current_period_end)) * 1000,
      prices: subscription.items.data.map((item) => item.price.id),
      products: subscription.items.data.map((item) => idOf(item.price.product)),
    })),
    paidSessions,
    invoices: invoices.map((invoice) => ({
      id: invoice.id,
      status: invoice.status ?? '',
      amountPaid: invoice.amount_paid,
      total: invoice.total,
    })),
    productFeatures: Object.fromEntries(
      products.map((product) => [
        product.id,
        (product.metadata.features ?? '').split(',').filter((feature) => feature !== ''),
      ]),
    ),
    eventIds: events.map((event) => event.id),
  };
}

async function collectOurs(
  world: ChaosWorld,
  externalIds: string[],
): Promise<ChaosSnapshot['ours'] & { storedEvents: ChaosSnapshot['storedEvents'] }> {
  const { pool } = world;
  const customers = await pool.query<{ external_id: string; stripe_customer_id: string | null }>(
    'SELECT external_id, stripe_customer_id FROM customers WHERE deleted_at IS NULL',
  );
  const subscriptions = await pool.query<{
    id: string;
    status: string;
    cancel: boolean;
    period_end: Date | null;
    prices: string[];
  }>(
    `SELECT s.stripe_subscription_id AS id, s.status, s.cancel_at_period_end AS cancel, s.current_period_end AS period_end,
            coalesce(array_agg(i.stripe_price_id) FILTER (WHERE i.stripe_price_id IS NOT NULL), '{}') AS prices
       FROM subscriptions s LEFT JOIN subscription_items i ON i.subscription_id = s.id GROUP BY s.id`,
  );
  const orders = await pool.query<{
    session: string;
    status: string;
    refunded: string;
    items: string;
    refunds: string;
  }>(
    `SELECT o.stripe_checkout_session_id AS session, o.status, o.amount_refunded AS refunded,
            (SELECT count(*) FROM order_items i WHERE i.order_id = o.id) AS items,
            (SELECT coalesce(sum(r.amount), 0) FROM order_refunds r WHERE r.order_id = o.id AND r.status = 'succeeded') AS refunds
       FROM orders o`,
  );
  const invoices = await pool.query<{ id: string; status: string; amount_paid: string; total: string }>(
    'SELECT stripe_invoice_id AS id, status, amount_paid, total FROM invoices',
  );
  const events = await pool.query<{ id: string; status: string; errors: string }>(
    'SELECT id, status, error_history::text AS errors FROM stripe_events',
  );
  const entitlements: Record<string, string[]> = {};
  const api = world.apis.find((candidate) => candidate.isUp()) ?? world.apis[0]!;
  for (const externalId of externalIds) {
    const response = await fetch(`http://127.0.0.1:${api.port}/v1/customers/${externalId}/entitlements`, {
      headers: { authorization: `Bearer ${world.apiKey}` },
    });
    if (response.status !== 200) continue;
    const body = (await response.json()) as { entitlements: Array<{ feature: string }> };
    entitlements[externalId] = [...new Set(body.entitlements.map((entry) => entry.feature))];
  }
  return {
    customers: customers.rows.map((row) => ({
      externalId: row.external_id,
      stripeCustomerId: row.stripe_customer_id,
    })),
    subscriptions: subscriptions.rows.map((row) => ({
      id: row.id,
      status: row.status,
      cancelAtPeriodEnd: row.cancel,
      periodEnd: row.period_end?.getTime() ?? null,
      prices: row.prices,
    })),
    orders: orders.rows.map((row) => ({
      checkoutSession: row.session,
      status: row.status,
      amountRefunded: Number(row.refunded),
      items: Number(row.items),
      refundsSucceeded: Number(row.refunds),
    })),
    invoices: invoices.rows.map((row) => ({
      id: row.id,
      status: row.status,
      amountPaid: Number(row.amount_paid),
      total: Number(row.total),
    })),
    entitlements,
    storedEvents: events.rows.map((row) => ({ id: row.id, status: row.status, errorHistory: row.errors })),
  };
}

export async function collectSnapshot(
  world: ChaosWorld,
  run: Pick<ChaosSnapshot, 'acknowledgedCustomers' | 'failuresOutsideFaultWindows'>,
): Promise<ChaosSnapshot> {
  const deliveries = await world.emulator.deliveries();
  const stripe = await collectStripe(world.stripe);
  const { storedEvents, ...ours } = await collectOurs(world, run.acknowledgedCustomers);
  const { eventIds, ...stripeState } = stripe;
  return {
    acknowledgedEventIds: deliveries
      .filter((delivery) => delivery.succeeded)
      .map((delivery) => delivery.event_id),
    emulatorEventIds: [...new Set([...eventIds, ...deliveries.map((delivery) => delivery.event_id)])],
    pendingDeliveries: await world.emulator.pendingDeliveries(),
    storedEvents,
    ours,
    stripe: stripeState,
    acknowledgedCustomers: run.acknowledgedCustomers,
    processes: world.slots.map((slot) => ({
      name: slot.name,
      alive: slot.pid() !== undefined && slot.isUp(),
    })),
    unexpectedExits: world.unexpectedExits.map(({ slot, code, signal, lastLines }) => ({
      slot,
      code,
      signal,
      lastLines,
    })),
    failuresOutsideFaultWindows: run.failuresOutsideFaultWindows,
  };
}
