// The chaos run's invariant checker on hand-made snapshots: a consistent one passes, and each deliberately
// broken promise (a lost event, an effect applied twice, drifted state, a dead process, a stray 5xx) is named.
import { describe, expect, it } from 'vitest';
import { checkInvariants, type ChaosSnapshot } from './invariants.js';

function consistentSnapshot(): ChaosSnapshot {
  return {
    acknowledgedEventIds: ['evt_1', 'evt_2', 'evt_2'],
    emulatorEventIds: ['evt_1', 'evt_2', 'evt_3'],
    pendingDeliveries: 0,
    storedEvents: [
      { id: 'evt_1', status: 'processed', errorHistory: '[]' },
      { id: 'evt_2', status: 'processed', errorHistory: '[]' },
      { id: 'evt_3', status: 'ignored', errorHistory: '[]' },
    ],
    ours: {
      customers: [
        { externalId: 'ada', stripeCustomerId: 'cus_ada' },
        { externalId: 'bob', stripeCustomerId: 'cus_bob' },
      ],
      subscriptions: [
        {
          id: 'sub_1',
          status: 'active',
          cancelAtPeriodEnd: false,
          periodEnd: 1_000_000,
          prices: ['price_pro'],
        },
      ],
      orders: [
        {
          checkoutSession: 'cs_1',
          status: 'partially_refunded',
          amountRefunded: 500,
          items: 2,
          refundsSucceeded: 500,
        },
      ],
      invoices: [{ id: 'in_1', status: 'paid', amountPaid: 2000, total: 2000 }],
      entitlements: { ada: ['audit_log', 'sso'], bob: ['guide'] },
    },
    stripe: {
      customers: [
        { id: 'cus_ada', email: 'ada@example.com' },
        { id: 'cus_bob', email: 'bob@example.com' },
      ],
      subscriptions: [
        {
          id: 'sub_1',
          customer: 'cus_ada',
          status: 'active',
          cancelAtPeriodEnd: false,
          periodEnd: 1_000_000,
          prices: ['price_pro'],
          products: ['prod_pro'],
        },
      ],
      paidSessions: [
        {
          id: 'cs_1',
          customer: 'cus_bob',
          amount: 1900,
          amountRefunded: 500,
          lineItems: 2,
          products: ['prod_guide', 'prod_mug'],
        },
      ],
      invoices: [{ id: 'in_1', status: 'paid', amountPaid: 2000, total: 2000 }],
      productFeatures: { prod_pro: ['sso', 'audit_log'], prod_guide: ['guide'], prod_mug: [] },
    },
    acknowledgedCustomers: ['ada', 'bob'],
    processes: [
      { name: 'api-1', alive: true },
      { name: 'worker-1', alive: true },
    ],
    unexpectedExits: [],
    failuresOutsideFaultWindows: [],
  };
}

const invariantsBrokenBy = (change: (snapshot: ChaosSnapshot) => void): string[] => {
  const snapshot = consistentSnapshot();
  change(snapshot);
  return [...new Set(checkInvariants(snapshot).map((violation) => violation.invariant))];
};

describe('the chaos invariant checker', () => {
  it('finds nothing wrong in a consistent snapshot', () => {
    expect(checkInvariants(consistentSnapshot())).toEqual([]);
  });

  it('names an acknowledged event that is not in the inbox', () => {
    expect(invariantsBrokenBy((snapshot) => snapshot.storedEvents.splice(1, 1))).toEqual([
      'acknowledged event stored',
      'every event received',
    ]);
  });

  it('names events the emulator never delivered', () => {
    expect(invariantsBrokenBy((snapshot) => (snapshot.pendingDeliveries = 3))).toEqual([
      'every event delivered',
    ]);
  });

  it('names an event left failed, and one whose ledger refused a second application', () => {
    expect(
      invariantsBrokenBy((snapshot) => {
        snapshot.storedEvents[0]!.status = 'failed';
        snapshot.storedEvents[1]!.errorHistory =
          '[{"error": "duplicate key value violates unique constraint \\"applied_effects_pkey\\""}]';
      }),
    ).toEqual(['every event applied', 'no effect applied twice']);
  });

  it('names a refund counted twice', () => {
    expect(invariantsBrokenBy((snapshot) => (snapshot.ours.orders[0]!.refundsSucceeded = 1000))).toEqual([
      'no effect applied twice',
    ]);
  });

  it('names a second order for one paid session', () => {
    expect(
      invariantsBrokenBy((snapshot) => snapshot.ours.orders.push({ ...snapshot.ours.orders[0]! })),
    ).toEqual(['orders match Stripe']);
  });

  it('names a subscription whose plan change never arrived, and one missing', () => {
    expect(
      invariantsBrokenBy((snapshot) => (snapshot.ours.subscriptions[0]!.prices = ['price_team'])),
    ).toEqual(['subscriptions match Stripe']);
    expect(invariantsBrokenBy((snapshot) => (snapshot.ours.subscriptions = []))).toEqual([
      'subscriptions match Stripe',
    ]);
  });

  it('names entitlements that differ from what Stripe grants', () => {
    expect(invariantsBrokenBy((snapshot) => (snapshot.ours.entitlements.bob = []))).toEqual([
      'entitlements match Stripe',
    ]);
    // Fully refunded: the guide is no longer granted, and our order must say so.
    expect(
      invariantsBrokenBy((snapshot) => {
        snapshot.stripe.paidSessions[0]!.amountRefunded = 1900;
      }),
    ).toEqual(['orders match Stripe', 'entitlements match Stripe']);
  });

  it('names customers and invoices that drifted from Stripe', () => {
    expect(
      invariantsBrokenBy((snapshot) => snapshot.stripe.customers.push({ id: 'cus_stray', email: null })),
    ).toEqual(['customers match Stripe']);
    expect(invariantsBrokenBy((snapshot) => (snapshot.ours.customers[1]!.stripeCustomerId = null))).toContain(
      'acknowledged customer exists',
    );
    expect(invariantsBrokenBy((snapshot) => (snapshot.ours.invoices[0]!.status = 'open'))).toEqual([
      'invoices match Stripe',
    ]);
  });

  it('names a dead process, a process that exited on its own and a 5xx outside the fault windows', () => {
    expect(
      invariantsBrokenBy((snapshot) => {
        snapshot.processes[1]!.alive = false;
        snapshot.unexpectedExits.push({
          slot: 'api-1',
          code: 1,
          signal: null,
          lastLines: ['FATAL: unexpected error'],
        });
        snapshot.failuresOutsideFaultWindows.push({
          route: 'GET /v1/entitlements/:id/:feature',
          status: 500,
          at: 0,
          api: 'api-1',
        });
      }),
    ).toEqual(['no process left dead', 'no process exits on its own', 'no 5xx outside fault windows']);
  });
});
