// The seeded traffic of a chaos run, as application backends and buyers make it: new customers, one-time, cart
// and subscription checkouts paid on the emulator, plan changes, cancellations and resumes, refunds, a
// subscription sync, and entitlement checks at a high rate. Each buyer loop has its own seeded stream.
import type { BillingClient } from './billing-client.js';
import { SHOP } from './chaos-world.js';
import type { EmulatorControl } from './emulator-control.js';
import type { SeededRandom } from './seeded-random.js';

export const FEATURES = ['guide', 'sso', 'audit_log', 'priority_support', 'seats'] as const;
const PLANS = ['pro_monthly', 'team_monthly', 'pro_yearly', 'team_yearly'] as const;
export const ACTIONS = {
  new_customer: 4,
  one_time: 3,
  cart: 2,
  subscription: 3,
  change_plan: 2,
  cancel: 1,
  resume: 1,
  refund: 2,
  sync: 1,
} as const;
export type TrafficAction = keyof typeof ACTIONS;

export interface TrafficFigures {
  /** Actions attempted and acknowledged (2xx), by action. */
  attempted: Record<string, number>;
  acknowledged: Record<string, number>;
  checkoutsPaid: number;
  entitlementChecks: number;
}

export interface Traffic {
  /** External ids of the customers whose creation we acknowledged. */
  customers: string[];
  figures: TrafficFigures;
}

interface SubscriptionView {
  id: string;
  status: string;
  cancel_at_period_end: boolean;
  items: Array<{ price: string }>;
}
interface OrderView {
  id: string;
  status: string;
  amount_total: number;
  amount_refunded: number;
}

const ok = (status: number) => status >= 200 && status < 300;

export function createTraffic(options: {
  client: BillingClient;
  emulator: EmulatorControl;
  seed: number;
}): Traffic & {
  runBuyer: (random: SeededRandom, until: () => boolean, pauseMs: number) => Promise<void>;
  runEntitlementChecks: (random: SeededRandom, until: () => boolean, pauseMs: number) => Promise<void>;
  /** One action of the mix on any known customer (the sustained-load mode). */
  performAction: (random: SeededRandom, action: TrafficAction) => Promise<boolean>;
  checkEntitlement: (random: SeededRandom) => Promise<void>;
  /**
   * Asks again, with a new Idempotency-Key, for every customer whose creation was never acknowledged (safe: our
   * API creates one customer per external_id); returns how many were completed. A careful backend does this.
   */
  completeUnfinishedCustomers: (client: BillingClient) => Promise<number>;
} {
  const { client, emulator, seed } = options;
  const customers: string[] = [];
  const unfinishedCustomers: string[] = [];
  const figures: TrafficFigures = { attempted: {}, acknowledged: {}, checkoutsPaid: 0, entitlementChecks: 0 };
  let serial = 0;
  const count = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);
  const key = (what: string) => `chaos-${seed}-${what}-${serial++}`;

  async function createCustomer(): Promise<string | undefined> {
    const externalId = `s${seed}_c${serial++}`;
    const result = await client.call('POST', '/v1/customers', 'POST /v1/customers', {
      body: { external_id: externalId, email: `${externalId}@example.com` },
      idempotencyKey: key('customer'),
      retries: 12,
    });
    if (!ok(result.status)) {
      unfinishedCustomers.push(externalId);
      return undefined;
    }
    customers.push(externalId);
    return externalId;
  }

  async function checkout(
    customer: string,
    mode: 'payment' | 'subscription',
    items: Array<{ lookup_key: string; quantity: number }>,
  ) {
    const result = await client.call('POST', '/v1/checkout/sessions', 'POST /v1/checkout/sessions', {
      body: {
        customer,
        mode,
        items,
        success_url: `${SHOP}/ok?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${SHOP}/cart`,
        ...(mode === 'subscription' ? { allow_multiple: true } : {}),
      },
      idempotencyKey: key('checkout'),
      retries: 12,
    });
    if (!ok(result.status)) return false;
    const { id } = result.body as { id: string };
    if (await emulator.completeCheckout(id)) figures.checkoutsPaid += 1;
    return true;
  }

  async function subscriptionsOf(customer: string): Promise<SubscriptionView[]> {
    const result = await client.call(
      'GET',
      `/v1/customers/${customer}/subscriptions`,
      'GET /v1/customers/:id/subscriptions',
    );
    return ok(result.status) ? (result.body as { data: SubscriptionView[] }).data : [];
  }

  async function ordersOf(customer: string): Promise<OrderView[]> {
    const result = await client.call(
      'GET',
      `/v1/customers/${customer}/orders`,
      'GET /v1/customers/:id/orders',
    );
    return ok(result.status) ? (result.body as { data: OrderView[] }).data : [];
  }

  async function checkEntitlement(random: SeededRandom): Promise<void> {
    if (customers.length === 0) return;
    const customer = random.pick(customers);
    if (random.chance(0.8)) {
      await client.call(
        'GET',
        `/v1/entitlements/${customer}/${random.pick(FEATURES)}`,
        'GET /v1/entitlements/:id/:feature',
        { retries: 0 },
      );
    } else {
      await client.call(
        'GET',
        `/v1/customers/${customer}/entitlements`,
        'GET /v1/customers/:id/entitlements',
        { retries: 0 },
      );
    }
    figures.entitlementChecks += 1;
  }

  async function act(random: SeededRandom, action: TrafficAction, own: string[]): Promise<boolean> {
    if (action === 'new_customer' || own.length === 0) {
      const customer = await createCustomer();
      if (customer !== undefined && own !== customers) own.push(customer);
      return customer !== undefined;
    }
    const customer = random.pick(own);
    switch (action) {
      case 'one_time':
        return checkout(customer, 'payment', [{ lookup_key: 'guide_pdf', quantity: random.integer(1, 3) }]);
      case 'cart':
        return checkout(customer, 'payment', [
          { lookup_key: 'guide_pdf', quantity: 1 },
          { lookup_key: 'coffee_beans', quantity: random.integer(1, 4) },
          { lookup_key: 'mug', quantity: random.integer(1, 3) },
        ]);
      case 'subscription':
        return checkout(customer, 'subscription', [{ lookup_key: random.pick(PLANS), quantity: 1 }]);
      case 'sync': {
        const result = await client.call(
          'POST',
          `/v1/customers/${customer}/subscriptions/sync`,
          'POST /v1/customers/:id/subscriptions/sync',
          { body: {} },
        );
        return ok(result.status);
      }
      case 'refund': {
        const orders = (await ordersOf(customer)).filter(
          (order) => order.status === 'paid' || order.status === 'partially_refunded',
        );
        if (orders.length === 0) return false;
        const order = random.pick(orders);
        const remaining = order.amount_total - order.amount_refunded;
        const partial = random.chance(0.5) && remaining > 100;
        const result = await client.call(
          'POST',
          `/v1/orders/${order.id}/refunds`,
          'POST /v1/orders/:id/refunds',
          {
            body: partial ? { amount: random.integer(50, Math.floor(remaining / 2)) } : {},
            idempotencyKey: key('refund'),
            retries: 12,
          },
        );
        return ok(result.status);
      }
      default: {
        const live = (await subscriptionsOf(customer)).filter((subscription) =>
          ['active', 'trialing', 'past_due'].includes(subscription.status),
        );
        const subscription = live.length === 0 ? undefined : random.pick(live);
        if (subscription === undefined) return false;
        const path = `/v1/subscriptions/${subscription.id}`;
        let result;
        if (action === 'change_plan') {
          result = await client.call('POST', `${path}/change`, 'POST /v1/subscriptions/:id/change', {
            body: {
              lookup_key: random.pick(PLANS),
              proration_behavior: random.pick(['create_prorations', 'none'] as const),
            },
            idempotencyKey: key('change'),
            retries: 12,
          });
        } else if (action === 'cancel') {
          result = await client.call('POST', `${path}/cancel`, 'POST /v1/subscriptions/:id/cancel', {
            body: { at_period_end: random.chance(0.6) },
            idempotencyKey: key('cancel'),
            retries: 12,
          });
        } else {
          if (!subscription.cancel_at_period_end) return false;
          result = await client.call('POST', `${path}/resume`, 'POST /v1/subscriptions/:id/resume', {
            body: {},
            idempotencyKey: key('resume'),
            retries: 12,
          });
        }
        return ok(result.status);
      }
    }
  }

  return {
    customers,
    figures,
    async runBuyer(random, until, pauseMs) {
      const own: string[] = [];
      while (!until()) {
        const action = random.weighted(ACTIONS);
        count(figures.attempted, action);
        if (await act(random, action, own)) count(figures.acknowledged, action);
        await new Promise((resolve) => setTimeout(resolve, random.integer(0, pauseMs)));
      }
    },
    async runEntitlementChecks(random, until, pauseMs) {
      while (!until()) {
        await checkEntitlement(random);
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    },
    async performAction(random, action) {
      count(figures.attempted, action);
      const done = await act(random, action, customers.length < 20 ? [] : customers);
      if (done) count(figures.acknowledged, action);
      return done;
    },
    checkEntitlement,
    async completeUnfinishedCustomers(retryClient) {
      let completed = 0;
      for (const externalId of unfinishedCustomers.splice(0)) {
        const result = await retryClient.call('POST', '/v1/customers', 'POST /v1/customers', {
          body: { external_id: externalId, email: `${externalId}@example.com` },
          idempotencyKey: key('customer-again'),
          retries: 20,
        });
        if (ok(result.status)) {
          customers.push(externalId);
          completed += 1;
        } else {
          unfinishedCustomers.push(externalId);
        }
      }
      return completed;
    },
  };
}
