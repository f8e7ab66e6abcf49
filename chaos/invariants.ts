// The money promises a chaos run checks at the end, as one pure function over a snapshot of our state and the
// emulator's (state-snapshot.ts collects it): every acknowledged event stored and applied, no effect applied
// twice, customers / orders / subscriptions / invoices / entitlements equal to what Stripe holds, no process
// left dead or exited on its own, no 5xx (nor dropped connection) outside a fault window.

export interface ChaosSnapshot {
  /** Events the emulator delivered and our endpoint acknowledged with a 2xx. */
  acknowledgedEventIds: string[];
  /** Every event the emulator created. */
  emulatorEventIds: string[];
  /** Deliveries the emulator still holds (queued, in flight, waiting for a retry) after the run settled. */
  pendingDeliveries: number;
  /** Our inbox: status and the stored error history (as text). */
  storedEvents: Array<{ id: string; status: string; errorHistory: string }>;
  ours: {
    customers: Array<{ externalId: string; stripeCustomerId: string | null }>;
    subscriptions: Array<{
      id: string;
      status: string;
      cancelAtPeriodEnd: boolean;
      periodEnd: number | null;
      prices: string[];
    }>;
    orders: Array<{
      checkoutSession: string;
      status: string;
      amountRefunded: number;
      items: number;
      refundsSucceeded: number;
    }>;
    invoices: Array<{ id: string; status: string; amountPaid: number; total: number }>;
    /** What GET /v1/customers/:id/entitlements answers, by external id. */
    entitlements: Record<string, string[]>;
  };
  stripe: {
    customers: Array<{
      id: string;
      email: string | null;
      metadata?: Record<string, string>;
      created?: number;
    }>;
    subscriptions: Array<{
      id: string;
      customer: string;
      status: string;
      cancelAtPeriodEnd: boolean;
      periodEnd: number;
      prices: string[];
      products: string[];
    }>;
    /** Completed one-time checkout sessions with their charge. */
    paidSessions: Array<{
      id: string;
      customer: string;
      amount: number;
      amountRefunded: number;
      lineItems: number;
      products: string[];
    }>;
    invoices: Array<{ id: string; status: string; amountPaid: number; total: number }>;
    productFeatures: Record<string, string[]>;
  };
  /** External ids whose creation our API acknowledged. */
  acknowledgedCustomers: string[];
  processes: Array<{ name: string; alive: boolean }>;
  unexpectedExits: Array<{ slot: string; code: number | null; signal: string | null; lastLines: string[] }>;
  /** Answers 5xx or transport errors (status 0) that fell outside every fault window. */
  failuresOutsideFaultWindows: Array<{ route: string; status: number; at: number; api: string }>;
}

export interface Violation {
  invariant: string;
  detail: string;
}

const sorted = (values: Iterable<string>) => [...values].sort();
const same = (first: string[], second: string[]) =>
  JSON.stringify(sorted(first)) === JSON.stringify(sorted(second));

export function orderStatusFor(amount: number, amountRefunded: number): string {
  if (amountRefunded === 0) return 'paid';
  return amountRefunded >= amount ? 'refunded' : 'partially_refunded';
}

/** Every broken promise in the snapshot; an empty list when the run kept them all. */
export function checkInvariants(snapshot: ChaosSnapshot): Violation[] {
  const violations: Violation[] = [];
  const add = (invariant: string, detail: string) => violations.push({ invariant, detail });

  // Events: acknowledged means stored; stored means applied or deliberately ignored; none applied twice.
  const stored = new Map(snapshot.storedEvents.map((event) => [event.id, event]));
  for (const id of new Set(snapshot.acknowledgedEventIds)) {
    if (!stored.has(id)) add('acknowledged event stored', `${id} was acknowledged but is not in the inbox`);
  }
  for (const id of new Set(snapshot.emulatorEventIds)) {
    if (!stored.has(id)) add('every event received', `${id} was never stored (not delivered, not swept)`);
  }
  if (snapshot.pendingDeliveries > 0) {
    add(
      'every event delivered',
      `the emulator still holds ${snapshot.pendingDeliveries} undelivered event(s) after the run settled`,
    );
  }
  for (const event of snapshot.storedEvents) {
    if (event.status !== 'processed' && event.status !== 'ignored')
      add('every event applied', `${event.id} is ${event.status}`);
    if (event.errorHistory.includes('applied_effects'))
      add('no effect applied twice', `${event.id}: ${event.errorHistory.slice(0, 300)}`);
  }

  // Customers: ours and Stripe's are the same set; every acknowledged one exists on both sides.
  const ourStripeIds = snapshot.ours.customers
    .map((customer) => customer.stripeCustomerId)
    .filter((id): id is string => id !== null);
  const stripeCustomers = new Set(snapshot.stripe.customers.map((customer) => customer.id));
  for (const id of ourStripeIds)
    if (!stripeCustomers.has(id)) add('customers match Stripe', `${id} is ours but not in Stripe`);
  const ourSet = new Set(ourStripeIds);
  const byExternalId = new Map(snapshot.ours.customers.map((customer) => [customer.externalId, customer]));
  for (const customer of snapshot.stripe.customers) {
    if (ourSet.has(customer.id)) continue;
    // The harness gives every customer the email <external id>@example.com: say what we hold for that one.
    const externalId = customer.email?.replace(/@example\.com$/, '') ?? '';
    const ours = byExternalId.get(externalId);
    const held = ours === undefined ? 'no row' : `a row with Stripe id ${ours.stripeCustomerId ?? 'null'}`;
    const acknowledged = snapshot.acknowledgedCustomers.includes(externalId)
      ? 'acknowledged'
      : 'never acknowledged';
    add(
      'customers match Stripe',
      `${customer.id} (${customer.email ?? 'no email'}) is in Stripe but not ours: we hold ${held}; its creation was ${acknowledged}; Stripe metadata ${JSON.stringify(customer.metadata ?? {})}, created ${customer.created ?? '?'}`,
    );
  }
  for (const externalId of snapshot.acknowledgedCustomers) {
    if (byExternalId.get(externalId)?.stripeCustomerId == null)
      add('acknowledged customer exists', `${externalId} has no Stripe customer`);
  }

  // Subscriptions.
  const ourSubscriptions = new Map(snapshot.ours.subscriptions.map((row) => [row.id, row]));
  for (const subscription of snapshot.stripe.subscriptions) {
    const row = ourSubscriptions.get(subscription.id);
    if (row === undefined) {
      add('subscriptions match Stripe', `${subscription.id} (${subscription.status}) is missing`);
      continue;
    }
    const expected = {
      status: subscription.status,
      cancel: subscription.cancelAtPeriodEnd,
      end: subscription.periodEnd,
      prices: sorted(subscription.prices),
    };
    const actual = {
      status: row.status,
      cancel: row.cancelAtPeriodEnd,
      end: row.periodEnd,
      prices: sorted(row.prices),
    };
    if (JSON.stringify(expected) !== JSON.stringify(actual)) {
      add(
        'subscriptions match Stripe',
        `${subscription.id}: ours ${JSON.stringify(actual)}, Stripe ${JSON.stringify(expected)}`,
      );
    }
  }
  const stripeSubscriptionIds = new Set(snapshot.stripe.subscriptions.map((subscription) => subscription.id));
  for (const row of snapshot.ours.subscriptions) {
    if (!stripeSubscriptionIds.has(row.id))
      add('subscriptions match Stripe', `${row.id} is ours but not in Stripe`);
  }

  // Orders: one per paid session, refunds counted once (ours equal the charge's, and our refund rows sum to it).
  const ourOrders = new Map<string, ChaosSnapshot['ours']['orders']>();
  for (const order of snapshot.ours.orders)
    ourOrders.set(order.checkoutSession, [...(ourOrders.get(order.checkoutSession) ?? []), order]);
  for (const session of snapshot.stripe.paidSessions) {
    const rows = ourOrders.get(session.id) ?? [];
    if (rows.length !== 1) {
      add('orders match Stripe', `${session.id}: ${rows.length} orders`);
      continue;
    }
    const row = rows[0]!;
    const expected = {
      status: orderStatusFor(session.amount, session.amountRefunded),
      refunded: session.amountRefunded,
      items: session.lineItems,
    };
    const actual = { status: row.status, refunded: row.amountRefunded, items: row.items };
    if (JSON.stringify(expected) !== JSON.stringify(actual)) {
      add(
        'orders match Stripe',
        `${session.id}: ours ${JSON.stringify(actual)}, Stripe ${JSON.stringify(expected)}`,
      );
    }
    // More refunded on our side than Stripe refunded: a refund counted twice. Less is drift, named above.
    if (row.refundsSucceeded > session.amountRefunded) {
      add(
        'no effect applied twice',
        `${session.id}: our refunds sum to ${row.refundsSucceeded}, Stripe refunded ${session.amountRefunded}`,
      );
    }
  }
  const paidSessionIds = new Set(snapshot.stripe.paidSessions.map((session) => session.id));
  for (const order of snapshot.ours.orders) {
    if (
      !paidSessionIds.has(order.checkoutSession) &&
      order.status !== 'pending' &&
      order.status !== 'failed'
    ) {
      add(
        'orders match Stripe',
        `order of ${order.checkoutSession} (${order.status}) has no paid session in Stripe`,
      );
    }
  }

  // Invoices that left draft.
  const ourInvoices = new Map(snapshot.ours.invoices.map((invoice) => [invoice.id, invoice]));
  for (const invoice of snapshot.stripe.invoices) {
    const row = ourInvoices.get(invoice.id);
    if (
      row === undefined ||
      row.status !== invoice.status ||
      row.amountPaid !== invoice.amountPaid ||
      row.total !== invoice.total
    ) {
      add(
        'invoices match Stripe',
        `${invoice.id}: ours ${JSON.stringify(row ?? null)}, Stripe ${JSON.stringify(invoice)}`,
      );
    }
  }

  // Entitlements: what Stripe's subscriptions and paid, unrefunded orders grant, per customer.
  const externalIdOf = new Map(
    snapshot.ours.customers.map((customer) => [customer.stripeCustomerId, customer.externalId]),
  );
  const expected = new Map<string, Set<string>>(
    snapshot.acknowledgedCustomers.map((externalId) => [externalId, new Set<string>()]),
  );
  const grant = (stripeCustomer: string, products: string[]) => {
    const externalId = externalIdOf.get(stripeCustomer);
    if (externalId === undefined || !expected.has(externalId)) return;
    for (const product of products)
      for (const feature of snapshot.stripe.productFeatures[product] ?? [])
        expected.get(externalId)!.add(feature);
  };
  for (const subscription of snapshot.stripe.subscriptions) {
    if (['active', 'trialing', 'past_due'].includes(subscription.status))
      grant(subscription.customer, subscription.products);
  }
  for (const session of snapshot.stripe.paidSessions) {
    if (orderStatusFor(session.amount, session.amountRefunded) !== 'refunded')
      grant(session.customer, session.products);
  }
  for (const [externalId, features] of expected) {
    const held = snapshot.ours.entitlements[externalId];
    if (held === undefined || !same(held, [...features])) {
      add(
        'entitlements match Stripe',
        `${externalId}: ours ${JSON.stringify(held === undefined ? null : sorted(held))}, expected ${JSON.stringify(sorted(features))}`,
      );
    }
  }

  // Processes.
  for (const process of snapshot.processes)
    if (!process.alive) add('no process left dead', `${process.name} is not running`);
  for (const exit of snapshot.unexpectedExits) {
    add(
      'no process exits on its own',
      `${exit.slot} exited (code ${exit.code}, signal ${exit.signal}): ${exit.lastLines.slice(-3).join(' | ').slice(0, 600)}`,
    );
  }
  for (const failure of snapshot.failuresOutsideFaultWindows) {
    add(
      'no 5xx outside fault windows',
      `${failure.route} on ${failure.api} answered ${failure.status === 0 ? 'a dropped connection' : failure.status} at ${new Date(failure.at).toISOString()}`,
    );
  }
  return violations;
}
