// The emulator has no disputes yet: these events are built from Stripe's dispute object (the fields of a real
// charge.dispute.created payload) around the emulator's real charge, signed, and sent through the real webhook
// route as Stripe would send them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkout, createCustomer } from '../test-support/billing-flows.js';
import { startBillingWorld, WEBHOOK_SECRET, type BillingWorld } from '../test-support/billing-world.js';
import { signPayload } from '../test-support/stripe-events.js';

let sequence = 0;

function disputeEvent(
  type: string,
  dispute: { id: string; charge: string; paymentIntent: string; status: string },
) {
  sequence += 1;
  const created = Math.floor(Date.now() / 1000) + sequence;
  return JSON.stringify({
    id: `evt_dispute_${sequence}_${created}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: {
      object: {
        id: dispute.id,
        object: 'dispute',
        amount: 1900,
        balance_transactions: [],
        charge: dispute.charge,
        created,
        currency: 'usd',
        evidence_details: {
          due_by: created + 7 * 86400,
          has_evidence: false,
          past_due: false,
          submission_count: 0,
        },
        is_charge_refundable: false,
        livemode: false,
        metadata: {},
        payment_intent: dispute.paymentIntent,
        reason: 'fraudulent',
        status: dispute.status,
      },
    },
  });
}

describe('disputes of orders', () => {
  let world: BillingWorld;

  beforeAll(async () => {
    world = await startBillingWorld();
  });
  afterAll(async () => {
    await world.closeAll();
  });

  async function send(payload: string): Promise<void> {
    const address = world.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('app not listening');
    const response = await fetch(`http://127.0.0.1:${address.port}/webhooks/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': signPayload(payload, WEBHOOK_SECRET),
      },
      body: payload,
    });
    expect(response.status).toBe(200);
    await world.settle();
  }

  it('suspends what the order granted while the dispute is open and gives it back when it is won', async () => {
    await createCustomer(world, 'disputer');
    const session = await checkout(world, {
      customer: 'disputer',
      mode: 'payment',
      items: [{ lookup_key: 'guide_pdf', quantity: 1 }],
    });
    await world.settle();
    const paymentIntent = await world.stripe.paymentIntents.retrieve(
      (await world.stripe.checkout.sessions.retrieve(session)).payment_intent as string,
    );
    const dispute = {
      id: 'dp_1MLuxQJDPojXS6LNrukJCBBG',
      charge: paymentIntent.latest_charge as string,
      paymentIntent: paymentIntent.id,
      status: 'needs_response',
    };
    const entitled = async () =>
      (await world.call('GET', '/v1/entitlements/disputer/guide')).json<{ entitled: boolean }>().entitled;
    const orderOf = async () =>
      (await world.call('GET', '/v1/customers/disputer/orders')).json<{
        data: Array<{ id: string; dispute: unknown }>;
      }>().data[0]!;
    expect(await entitled()).toBe(true);

    await send(disputeEvent('charge.dispute.created', dispute));
    // Entitlement reads are cached, invalidated by NOTIFY a moment after the commit.
    await expect.poll(entitled).toBe(false);
    const disputed = await orderOf();
    expect(disputed.dispute).toEqual({ id: dispute.id, status: 'needs_response' });
    const refund = await world.call('POST', `/v1/orders/${disputed.id}/refunds`, {});
    expect(refund.statusCode).toBe(409);

    const won = disputeEvent('charge.dispute.closed', { ...dispute, status: 'won' });
    // A late "under review" after the decision changes nothing.
    await send(won);
    await send(disputeEvent('charge.dispute.updated', { ...dispute, status: 'under_review' }));
    await expect.poll(entitled).toBe(true);
    expect((await orderOf()).dispute).toEqual({ id: dispute.id, status: 'won' });
  });

  it('revokes for good what an order granted when its dispute is lost', async () => {
    await createCustomer(world, 'loser');
    const session = await checkout(world, {
      customer: 'loser',
      mode: 'payment',
      items: [{ lookup_key: 'guide_pdf', quantity: 1 }],
    });
    await world.settle();
    const paymentIntent = await world.stripe.paymentIntents.retrieve(
      (await world.stripe.checkout.sessions.retrieve(session)).payment_intent as string,
    );
    const dispute = {
      id: 'dp_lost1',
      charge: paymentIntent.latest_charge as string,
      paymentIntent: paymentIntent.id,
      status: 'lost',
    };
    await send(disputeEvent('charge.dispute.closed', dispute));
    await send(disputeEvent('charge.dispute.created', { ...dispute, status: 'needs_response' }));
    const entitled = async () =>
      (await world.call('GET', '/v1/entitlements/loser/guide')).json<{ entitled: boolean }>().entitled;
    await expect.poll(entitled).toBe(false);
    const orders = await world.call('GET', '/v1/customers/loser/orders');
    expect(orders.json()).toMatchObject({ data: [{ dispute: { id: 'dp_lost1', status: 'lost' } }] });
  });
});
