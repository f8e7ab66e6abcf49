// Tests of Stripe-Version: refusing unknown versions, serving a pre-basil version's shapes, webhooks per endpoint.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { recurringPrice } from '../test-support/billing.js';
import { startEmulatorWithReceiver, stripeClientFor } from '../test-support/sdk.js';
import { startWebhookReceiver, type WebhookReceiver } from '../test-support/webhook-receiver.js';

const OLD_VERSION = '2024-06-20';
let emulator: RunningEmulator;
let stripe: Stripe;
let receiver: WebhookReceiver;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, receiver, close } = await startEmulatorWithReceiver('whsec_versions'));
});
afterAll(() => close());

/** An SDK client pinned to another API version (the SDK's types stay today's; the wire carries the version). */
function clientPinnedTo(version: string): Stripe {
  return stripeClientFor(emulator, { apiVersion: version as Stripe.LatestApiVersion });
}

async function subscriptionWithInvoice(client: Stripe): Promise<Stripe.Subscription> {
  const price = await recurringPrice(stripe, 900);
  const customer = await stripe.customers.create({});
  return client.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    default_payment_method: 'pm_card_visa',
    expand: ['latest_invoice'],
  });
}

describe('Stripe-Version', () => {
  it("renders a promotion code's and a discount's coupon expanded before clover", async () => {
    const coupon = await stripe.coupons.create({ percent_off: 15, duration: 'forever' });
    const code = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id } });
    const customer = await stripe.customers.create({ coupon: coupon.id } as Stripe.CustomerCreateParams);
    expect(customer.discount?.source).toEqual({ type: 'coupon', coupon: coupon.id });
    const basil = clientPinnedTo('2025-08-27.basil');
    const legacyCode = (await basil.promotionCodes.retrieve(code.id)) as unknown as Record<string, unknown>;
    expect(legacyCode).not.toHaveProperty('promotion');
    expect(legacyCode.coupon).toMatchObject({ id: coupon.id, object: 'coupon', percent_off: 15 });
    const legacyCustomer = (await basil.customers.retrieve(customer.id)) as unknown as {
      discount: Record<string, unknown>;
    };
    expect(legacyCustomer.discount).not.toHaveProperty('source');
    expect(legacyCustomer.discount.coupon).toMatchObject({ id: coupon.id, percent_off: 15 });
    const clover = clientPinnedTo('2025-09-30.clover');
    expect((await clover.promotionCodes.retrieve(code.id)).promotion).toEqual({
      type: 'coupon',
      coupon: coupon.id,
    });
  });

  it('refuses a version Stripe does not know, as Stripe does', async () => {
    for (const version of ['2019-2-19', '2024-02-30', '2099-01-01', 'latest', '2026-10-28.acacia']) {
      const error = await clientPinnedTo(version)
        .customers.list()
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({ statusCode: 400, message: `Invalid Stripe API version: ${version}` });
    }
  });

  it("renders today's shapes for today's version and a pre-basil version's for an older one", async () => {
    const today = await subscriptionWithInvoice(stripe);
    expect(today).not.toHaveProperty('current_period_end');
    expect(today.items.data[0]!.current_period_end).toBeGreaterThan(0);
    expect(today.latest_invoice).not.toHaveProperty('subscription');

    const old = clientPinnedTo(OLD_VERSION);
    const response = await old.subscriptions.retrieve(today.id, { expand: ['latest_invoice'] });
    const legacy = response as unknown as Record<string, unknown> & {
      latest_invoice: Record<string, unknown>;
    };
    expect(legacy.current_period_start).toBe(today.items.data[0]!.current_period_start);
    expect(legacy.current_period_end).toBe(today.items.data[0]!.current_period_end);
    expect(legacy.latest_invoice.subscription).toBe(today.id);
    expect(response.lastResponse.headers['stripe-version']).toBe(OLD_VERSION);
    // Lists render the same way, and the stored object keeps today's shape.
    const listed = (await old.subscriptions.list({ customer: today.customer as string })).data[0] as unknown;
    expect(listed).toMatchObject({ current_period_end: today.items.data[0]!.current_period_end });
    expect(await stripe.subscriptions.retrieve(today.id)).not.toHaveProperty('current_period_end');
  });

  it('renders the events of an endpoint created with an api_version in that version', async () => {
    const invalid = await stripe.webhookEndpoints
      .create({
        url: receiver.url,
        enabled_events: ['*'],
        api_version: '2024-13-01' as Stripe.WebhookEndpointCreateParams.ApiVersion,
      })
      .catch((caught: unknown) => caught);
    expect(invalid).toMatchObject({ statusCode: 400, param: 'api_version' });
    const oldReceiver = await startWebhookReceiver();
    const endpoint = await stripe.webhookEndpoints.create({
      url: oldReceiver.url,
      enabled_events: ['customer.subscription.created'],
      api_version: OLD_VERSION,
    });
    const subscription = await subscriptionWithInvoice(stripe);
    expect(await emulator.webhooks.waitForIdle(10_000)).toBe(true);
    const created = (from: WebhookReceiver) =>
      from.received
        .map((delivery) => JSON.parse(delivery.body) as Stripe.Event)
        .find(
          (event) =>
            event.type === 'customer.subscription.created' && event.data.object.id === subscription.id,
        );
    const legacy = created(oldReceiver);
    expect(legacy?.api_version).toBe(OLD_VERSION);
    expect(legacy?.data.object).toHaveProperty('current_period_end');
    const current = created(receiver);
    expect(current?.api_version).toBe(emulator.context.apiVersion);
    expect(current?.data.object).not.toHaveProperty('current_period_end');
    await oldReceiver.close();
    await stripe.webhookEndpoints.del(endpoint.id);
  });
});
