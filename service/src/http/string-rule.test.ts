import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSeededTestApp, SHOP, type SeededTestApp } from '../test-support/seeded-test-app.js';
import { findUnacceptableString, MAX_NESTING_DEPTH } from './string-rule.js';

const NUL = '\u0000';
const LONE_SURROGATE = '\uD800';

describe('one rule for every accepted string: no NUL byte, no lone surrogate', () => {
  let world: SeededTestApp;

  beforeAll(async () => {
    world = await startSeededTestApp();
    await world.call('POST', '/v1/customers', { external_id: 'user_1', email: 'ada@example.com' });
  });

  afterAll(async () => {
    await world.closeAll();
  });

  const checkout = (changes: Record<string, unknown>) => ({
    customer: 'user_1',
    mode: 'payment',
    items: [{ lookup_key: 'mug', quantity: 1 }],
    success_url: `${SHOP}/ok`,
    cancel_url: `${SHOP}/cart`,
    ...changes,
  });

  const cases: Array<{ name: string; method: 'GET' | 'POST'; url: string; body?: unknown; param: string }> = [
    {
      name: 'entitlement path, customer',
      method: 'GET',
      url: '/v1/entitlements/us%00er/sso',
      param: 'external_id',
    },
    {
      name: 'entitlement path, feature',
      method: 'GET',
      url: '/v1/entitlements/user_1/ss%00o',
      param: 'feature',
    },
    {
      name: 'entitlement list path',
      method: 'GET',
      url: '/v1/customers/us%00er/entitlements',
      param: 'external_id',
    },
    { name: 'customer path', method: 'GET', url: '/v1/customers/us%00er', param: 'external_id' },
    {
      name: 'admin event filter',
      method: 'GET',
      url: '/v1/admin/events?type=invoice.p%00aid',
      param: 'type',
    },
    {
      name: 'admin event cursor',
      method: 'GET',
      url: '/v1/admin/events?starting_after=evt_%00',
      param: 'starting_after',
    },
    { name: 'admin event id', method: 'GET', url: '/v1/admin/events/evt_1%00', param: 'id' },
    { name: 'a query key', method: 'GET', url: '/v1/admin/events?ty%00pe=x', param: 'querystring' },
    {
      name: 'customer name',
      method: 'POST',
      url: '/v1/customers',
      body: { external_id: 'user_2', email: 'b@example.com', name: `Ad${NUL}a` },
      param: 'name',
    },
    {
      name: 'customer metadata key',
      method: 'POST',
      url: '/v1/customers',
      body: { external_id: 'user_3', email: 'c@example.com', metadata: { [`pl${NUL}an`]: 'x' } },
      param: 'metadata',
    },
    {
      name: 'customer metadata value',
      method: 'POST',
      url: '/v1/customers',
      body: { external_id: 'user_4', email: 'd@example.com', metadata: { plan: `x${NUL}` } },
      param: 'metadata.plan',
    },
    {
      name: 'customer metadata value, lone surrogate',
      method: 'POST',
      url: '/v1/customers',
      body: { external_id: 'user_5', email: 'e@example.com', metadata: { plan: `x${LONE_SURROGATE}` } },
      param: 'metadata.plan',
    },
    {
      name: 'checkout price',
      method: 'POST',
      url: '/v1/checkout/sessions',
      body: checkout({ items: [{ price: `price_${NUL}`, quantity: 1 }] }),
      param: 'items[0].price',
    },
    {
      name: 'checkout lookup_key',
      method: 'POST',
      url: '/v1/checkout/sessions',
      body: checkout({ items: [{ lookup_key: `mu${NUL}g`, quantity: 1 }] }),
      param: 'items[0].lookup_key',
    },
    {
      name: 'checkout metadata, lone surrogate',
      method: 'POST',
      url: '/v1/checkout/sessions',
      body: checkout({ metadata: { note: `\uDC00x` } }),
      param: 'metadata.note',
    },
    {
      name: 'replay type',
      method: 'POST',
      url: '/v1/admin/events/replay',
      body: { type: `invoice.${NUL}paid` },
      param: 'type',
    },
    {
      name: 'portal return_url, lone surrogate',
      method: 'POST',
      url: '/v1/portal/sessions',
      body: { customer: 'user_1', return_url: `${SHOP}/account${LONE_SURROGATE}` },
      param: 'return_url',
    },
  ];

  it.each(cases)('answers 400 naming the field: $name', async ({ method, url, body, param }) => {
    const response = await world.call(method, url, body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: { code: 'validation_failed', param, request_id: response.headers['x-request-id'] },
    });
    expect(response.json().error.message).toMatch(/NUL byte|lone UTF-16 surrogate/);
  });

  it('stored nothing for any refused request', async () => {
    expect(world.stripeCount('customer')).toBe(1);
    expect(world.stripeCount('checkout.session')).toBe(0);
  });

  it('accepts well-formed text, surrogate pairs (emoji) included', async () => {
    const response = await world.call('POST', '/v1/customers', {
      external_id: 'user_6',
      email: 'f@example.com',
      name: 'Ada 🚀 Lovelace',
      metadata: { clé: 'café ☕' },
    });
    expect(response.statusCode).toBe(201);
  });
});

describe('findUnacceptableString', () => {
  it('names the path of the first offending string, keys included', () => {
    expect(findUnacceptableString({ a: [{ b: 'ok' }, { c: `x${NUL}` }] })).toMatchObject({ param: 'a[1].c' });
    expect(findUnacceptableString({ a: { [`k${NUL}`]: 'v' } })).toMatchObject({ param: 'a' });
    expect(findUnacceptableString(`${LONE_SURROGATE}`)).toMatchObject({ param: '' });
    expect(findUnacceptableString({ a: '😀', b: 1, c: null })).toBeUndefined();
  });

  it(`refuses nesting deeper than ${MAX_NESTING_DEPTH} levels, without walking it`, () => {
    const nest = (depth: number): unknown => (depth === 0 ? 'leaf' : [nest(depth - 1)]);
    expect(findUnacceptableString({ a: nest(MAX_NESTING_DEPTH) })).toBeUndefined();
    expect(findUnacceptableString({ a: nest(MAX_NESTING_DEPTH + 1) })).toMatchObject({
      problem: `is nested more than ${MAX_NESTING_DEPTH} levels deep`,
    });
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(findUnacceptableString(deep)?.problem).toMatch(/nested more than/);
  });
});
