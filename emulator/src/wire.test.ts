// Tests of the wire format all resources share: errors, lists, expand, form encoding.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './index.js';
import { startEmulatorWithClient } from './test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

async function failure(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as Stripe.errors.StripeError,
  );
}

function raw(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${emulator.url}${path}`, {
    ...init,
    headers: {
      authorization: 'Bearer sk_test_wire',
      'content-type': 'application/x-www-form-urlencoded',
      ...(init.headers as Record<string, string> | undefined),
    },
  });
}

describe('errors as the SDK classifies them', () => {
  it('400 with param → StripeInvalidRequestError', async () => {
    const error = await failure(stripe.prices.create({ currency: 'usd', unit_amount: 1 }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, param: 'product', code: 'parameter_missing' });
  });

  it('401 for a malformed key → StripeAuthenticationError', async () => {
    const client = new Stripe('sk_live_not_allowed_here', {
      host: '127.0.0.1',
      port: emulator.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    const error = await failure(client.customers.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.statusCode).toBe(401);
  });

  it('401 without any key, with a Request-Id', async () => {
    const response = await fetch(`${emulator.url}/v1/customers`);
    expect(response.status).toBe(401);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    const body = (await response.json()) as { error: { type: string; message: string } };
    expect(body.error.message).toContain('You did not provide an API key');
  });

  it('402 card_error → StripeCardError with decline_code', async () => {
    const error = await failure(
      stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        payment_method: 'pm_card_chargeDeclined',
        confirm: true,
      }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'generic_decline' });
  });

  it('404 resource_missing → StripeInvalidRequestError; an unknown URL is a 404 with a Request-Id too', async () => {
    const error = await failure(stripe.products.retrieve('prod_missing'));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id' });
    const response = await raw('/v1/not_a_resource');
    expect(response.status).toBe(404);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      'Unrecognized request URL',
    );
  });

  it('puts Request-Id and Stripe-Version on successful responses', async () => {
    const customer = await stripe.customers.create({});
    expect(customer.lastResponse.requestId).toMatch(/^req_/);
    expect(customer.lastResponse.headers['stripe-version']).toBe(emulator.context.apiVersion);
  });
});

describe('lists', () => {
  it('auto-paginates over 250 customers with for await', async () => {
    const created = new Set<string>();
    for (let batch = 0; batch < 25; batch += 1) {
      const customers = await Promise.all(
        Array.from({ length: 10 }, () => stripe.customers.create({ metadata: { run: 'paginate' } })),
      );
      for (const customer of customers) created.add(customer.id);
    }
    const seen: string[] = [];
    for await (const customer of stripe.customers.list({ limit: 100 })) {
      if (customer.metadata.run === 'paginate') seen.push(customer.id);
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen)).toEqual(created);
  });
});

describe('expand', () => {
  it('expands on create, retrieve and list (with the data. prefix)', async () => {
    const product = await stripe.products.create({ name: 'Expandable' });
    const created = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 100,
      expand: ['product'],
    });
    expect((created.product as Stripe.Product).name).toBe('Expandable');
    const retrieved = await stripe.prices.retrieve(created.id, { expand: ['product'] });
    expect((retrieved.product as Stripe.Product).id).toBe(product.id);
    const listed = await stripe.prices.list({ product: product.id, expand: ['data.product'] });
    expect((listed.data[0]!.product as Stripe.Product).object).toBe('product');
    const unexpanded = await stripe.prices.retrieve(created.id);
    expect(unexpanded.product).toBe(product.id);
  });

  it('answers 400 on expand for a path that cannot be expanded', async () => {
    const product = await stripe.products.create({ name: 'X' });
    const error = await failure(stripe.products.retrieve(product.id, { expand: ['name.nothing'] }));
    expect(error.param).toBe('expand');
  });
});

describe('form encoding', () => {
  it('reads [] arrays and indexed arrays alike', async () => {
    const a = await stripe.products.create({ name: 'A' });
    const b = await stripe.products.create({ name: 'B' });
    const bracket = await raw(`/v1/products?ids[]=${a.id}&ids[]=${b.id}`);
    const indexed = await raw(`/v1/products?ids[0]=${a.id}&ids[1]=${b.id}`);
    const ids = async (response: Response) =>
      ((await response.json()) as { data: Array<{ id: string }> }).data.map((row) => row.id).sort();
    expect(await ids(bracket)).toEqual([a.id, b.id].sort());
    expect(await ids(indexed)).toEqual([a.id, b.id].sort());
  });

  it('reads the query string and the form body together, the body winning a name both carry', async () => {
    const response = await raw('/v1/customers?email=query%40example.com&name=Query&metadata[from]=query', {
      method: 'POST',
      body: 'name=Body&description=body',
    });
    const customer = (await response.json()) as Stripe.Customer;
    expect(customer).toMatchObject({
      email: 'query@example.com',
      name: 'Body',
      description: 'body',
      metadata: { from: 'query' },
    });
    // A DELETE as the SDK sends it: params in the query string and an empty form body.
    const deleted = await raw(`/v1/customers/${customer.id}?expand[]=nothing`, {
      method: 'DELETE',
      body: '',
    });
    expect(deleted.status).toBe(400);
    expect(((await deleted.json()) as { error: { param: string } }).error.param).toBe('expand');
  });

  it('reads nested hashes and treats an empty value as unset', async () => {
    const response = await raw('/v1/customers', {
      method: 'POST',
      body: 'description=first&shipping[name]=Ann&shipping[address][city]=Paris&shipping[address][country]=FR',
    });
    const customer = (await response.json()) as Stripe.Customer;
    expect(customer.shipping?.address?.city).toBe('Paris');
    expect(customer.shipping?.address?.line1).toBeNull();
    const cleared = (await (
      await raw(`/v1/customers/${customer.id}`, { method: 'POST', body: 'description=&shipping=' })
    ).json()) as Stripe.Customer;
    expect(cleared.description).toBeNull();
    expect(cleared.shipping).toBeNull();
  });

  it('reads indexed arrays of hashes (marketing_features[0][name])', async () => {
    const product = await stripe.products.create({
      name: 'Features',
      marketing_features: [{ name: 'One' }, { name: 'Two' }],
    });
    expect(product.marketing_features.map((feature) => feature.name)).toEqual(['One', 'Two']);
    const cleared = await stripe.products.update(product.id, { marketing_features: '' as unknown as [] });
    expect(cleared.marketing_features).toEqual([]);
  });
});
