// Tests that every resource refuses unknown parameters with Stripe's 400, through the official SDK.
import Fastify from 'fastify';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recurringPrice } from '../test-support/billing.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';
import { registerStrictParams } from './strict-params.js';

let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

/** The error a call rejects with (the call must fail). */
async function failure(call: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const outcome = await call.then(
    () => new Error('the call succeeded'),
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  return outcome as Stripe.errors.StripeError;
}

function unknownParam(name: string) {
  return {
    statusCode: 400,
    type: 'StripeInvalidRequestError',
    code: 'parameter_unknown',
    param: name,
    message: `Received unknown parameter: ${name}`,
  };
}

describe('strict parameters', () => {
  it('refuses unknown parameters on payment intent, subscription, invoice and checkout session calls', async () => {
    const extra = { colour: 'red' } as object;
    const price = await recurringPrice(stripe, 1500);
    const customer = await stripe.customers.create({});
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: 'pm_card_visa',
    });
    const invoiceId = subscription.latest_invoice as string;
    const intent = await stripe.paymentIntents.create({ amount: 500, currency: 'usd' });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'https://shop.example/ok',
    });
    const calls = [
      stripe.paymentIntents.create({ amount: 500, currency: 'usd', ...extra }),
      stripe.paymentIntents.update(intent.id, extra),
      stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], ...extra }),
      stripe.subscriptions.update(subscription.id, extra),
      stripe.invoices.update(invoiceId, extra),
      stripe.invoices.list(extra),
      stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: 'https://shop.example/ok',
        ...extra,
      }),
      stripe.checkout.sessions.update(session.id, extra),
      stripe.customers.retrieve(customer.id, extra),
    ];
    for (const call of calls) expect(await failure(call)).toMatchObject(unknownParam('colour'));
  });

  it('names a nested unknown parameter by its full path, list index included', async () => {
    const price = await recurringPrice(stripe, 1500);
    const error = await failure(
      stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: price.id, quantity: 1 }, { price: price.id, colour: 'red' } as object],
        success_url: 'https://shop.example/ok',
      }),
    );
    expect(error).toMatchObject(unknownParam('line_items[1][colour]'));
    const nested = await failure(
      stripe.prices.create({
        currency: 'usd',
        unit_amount: 100,
        product_data: { name: 'A' },
        recurring: { interval: 'month', every: 2 } as Stripe.PriceCreateParams.Recurring,
      }),
    );
    expect(nested).toMatchObject(unknownParam('recurring[every]'));
  });

  it('takes any key in metadata and `expand` everywhere, and suggests the name a typo meant', async () => {
    const customer = await stripe.customers.create({
      metadata: { anything_at_all: 'x' },
      expand: ['test_clock'],
    });
    expect(customer.metadata).toEqual({ anything_at_all: 'x' });
    const error = await failure(stripe.customers.create({ emial: 'a@example.com' } as object));
    expect(error.message).toBe('Received unknown parameter: emial. Did you mean email?');
    expect(error.param).toBe('emial');
  });

  it('saves nothing for the idempotency key: the corrected request with the same key succeeds', async () => {
    const key = 'strict-params-retry';
    await failure(stripe.customers.create({ nmae: 'A' } as object, { idempotencyKey: key }));
    const customer = await stripe.customers.create({ name: 'A' }, { idempotencyKey: key });
    expect(customer.name).toBe('A');
  });

  it('refuses to register a /v1/ route that has no parameter schema', async () => {
    const app = Fastify();
    registerStrictParams(app);
    expect(() => app.post('/v1/not_a_stripe_resource', async () => ({}))).toThrow(
      'No parameter schema for POST /v1/not_a_stripe_resource',
    );
    await app.close();
  });
});
