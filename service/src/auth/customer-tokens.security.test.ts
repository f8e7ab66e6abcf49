// Security suite, customer-scoped tokens: a token reads only its own customer's entitlements, subscriptions,
// orders and invoices and opens only its own portal; every other route, every route naming another customer in
// its path or body, and every route naming another customer's (or an unknown) order, invoice or subscription by
// its id, is 403.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeAccess, type OwnedResource } from '../route-access.js';
import { checkout, createCustomer } from '../test-support/billing-flows.js';
import { SHOP, startBillingWorld, type BillingWorld } from '../test-support/billing-world.js';
import { createCustomerTokensService } from './customer-tokens.js';

const SECRET = 'customer-token-secret-for-tests-0123456789';
const OWN = 'token_owner';
const OTHER = 'token_other';

/** One id of each resource a token may read by id. */
type ObjectIds = Record<OwnedResource, string>;
/** Ids of the right shape that name nothing we hold. */
const UNKNOWN_IDS: ObjectIds = {
  order: '00000000-0000-4000-8000-000000000000',
  invoice: 'in_unknown0000',
  subscription: 'sub_unknown0000',
};

const ownerOf = (route: string): OwnedResource | undefined => {
  const access = routeAccess[route]?.customerToken;
  return access !== undefined && 'owner' in access ? access.owner : undefined;
};

/** The route with every customer id (path and body) set to `customer`, and a resource id from `ids`. */
function requestFor(route: string, customer: string, ids: ObjectIds = UNKNOWN_IDS) {
  const [method = '', pattern = ''] = route.split(' ');
  const owner = ownerOf(route);
  const url = pattern
    .replace(':external_id', customer)
    .replace(':feature', 'sso')
    .replace('/events/:id', '/events/evt_probe')
    .replace(':id', owner === undefined ? 'sub_probe' : ids[owner]);
  const payload =
    pattern === '/v1/portal/sessions'
      ? { customer, return_url: `${SHOP}/account` }
      : { customer, external_id: customer, return_url: `${SHOP}/account` };
  return {
    method: method as 'GET' | 'POST' | 'DELETE',
    url,
    ...(method === 'POST' ? { payload } : {}),
  };
}

const tokenRoutes = Object.entries(routeAccess)
  .filter(([, access]) => access.customerToken !== undefined)
  .map(([route]) => route);
const customerNamingRoutes = tokenRoutes.filter((route) => ownerOf(route) === undefined);
const objectRoutes = tokenRoutes.filter((route) => ownerOf(route) !== undefined);
const keyOnlyRoutes = Object.entries(routeAccess)
  .filter(([, access]) => access.customerToken === undefined)
  .map(([route]) => route);

describe('API1:2023 Broken Object Level Authorization — customer tokens', () => {
  let world: BillingWorld;
  let token: string;
  const ids = new Map<string, ObjectIds>();
  const idsOf = (customer: string) => ids.get(customer)!;
  const withToken = (request: ReturnType<typeof requestFor>, bearer = token) =>
    world.app.inject({ ...request, headers: { authorization: `Bearer ${bearer}` } });

  /** The customer's first order, invoice and subscription, read with the API key. */
  async function objectIdsOf(customer: string): Promise<ObjectIds> {
    const first = async (list: string) => {
      const response = await world.call('GET', `/v1/customers/${customer}/${list}`);
      expect(response.statusCode, list).toBe(200);
      const [object] = response.json<{ data: Array<{ id: string }> }>().data;
      expect(object, `${customer} has ${list}`).toBeDefined();
      return object!.id;
    };
    return {
      order: await first('orders'),
      invoice: await first('invoices'),
      subscription: await first('subscriptions'),
    };
  }

  beforeAll(async () => {
    world = await startBillingWorld({ environment: { CUSTOMER_TOKEN_SECRET: SECRET } });
    // Each customer buys once (an order) and subscribes (a subscription and its first invoice).
    for (const customer of [OWN, OTHER]) {
      await createCustomer(world, customer);
      await checkout(world, { customer, mode: 'payment', items: [{ lookup_key: 'mug', quantity: 1 }] });
      await checkout(world, {
        customer,
        mode: 'subscription',
        items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
      });
    }
    await world.settle(30_000);
    for (const customer of [OWN, OTHER]) ids.set(customer, await objectIdsOf(customer));
    const minted = await world.call('POST', '/v1/customer-tokens', { customer: OWN });
    expect(minted.statusCode).toBe(201);
    token = minted.json<{ token: string }>().token;
  });
  afterAll(async () => {
    await world.closeAll();
  });

  it('mints a short-lived token for one existing customer', async () => {
    const response = await world.call('POST', '/v1/customer-tokens', { customer: OWN, ttl_seconds: 120 });
    expect(response.statusCode).toBe(201);
    const body = response.json<{ token: string; customer: string; expires_at: string }>();
    expect(body.token).toMatch(/^bct_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(body.customer).toBe(OWN);
    const lifetime = Date.parse(body.expires_at) - Date.now();
    expect(lifetime).toBeGreaterThan(100_000);
    expect(lifetime).toBeLessThanOrEqual(120_000);
  });

  it.each([
    [{ customer: 'nobody_here' }, 404],
    [{ customer: OWN, ttl_seconds: 59 }, 400],
    [{ customer: OWN, ttl_seconds: 3601 }, 400],
    [{ customer: OWN, ttl_seconds: 1.5 }, 400],
    [{ customer: OWN, scopes: ['admin'] }, 400],
    [{ customer: '' }, 400],
    [{}, 400],
  ])('refuses to mint %j with %i', async (body, status) => {
    expect((await world.call('POST', '/v1/customer-tokens', body)).statusCode).toBe(status);
  });

  it('lets only a full billing key mint tokens (not a narrower scope, not admin)', async () => {
    for (const scopes of [['customers:write', 'entitlements:read', 'portal:write'], ['admin']]) {
      const { key } = await world.dependencies.apiKeys.create({ name: 'narrow', scopes });
      const response = await world.app.inject({
        method: 'POST',
        url: '/v1/customer-tokens',
        headers: { authorization: `Bearer ${key}` },
        payload: { customer: OWN },
      });
      expect(response.statusCode, scopes.join()).toBe(403);
    }
  });

  it.each(tokenRoutes)('%s: allowed for its own customer', async (route) => {
    const response = await withToken(requestFor(route, OWN, idsOf(OWN)));
    expect([200, 201], response.body).toContain(response.statusCode);
  });

  it.each(customerNamingRoutes)('%s: 403 with another customer in the path or body', async (route) => {
    for (const customer of [OTHER, OWN.toUpperCase(), `${OWN}x`, 'nobody_here']) {
      const response = await withToken(requestFor(route, customer));
      expect(response.statusCode, customer).toBe(403);
      expect(response.json().error.message).toContain('another customer');
    }
  });

  it.each(objectRoutes)("%s: its own customer's object, nothing more", async (route) => {
    const response = await withToken(requestFor(route, OWN, idsOf(OWN)));
    expect(response.statusCode).toBe(200);
    const owner = ownerOf(route)!;
    expect(response.json<{ id: string }>().id).toBe(idsOf(OWN)[owner]);
    if (owner !== 'subscription') expect(response.json<{ customer: string }>().customer).toBe(OWN);
  });

  it.each(objectRoutes)(
    "%s: 403 for another customer's id and for an unknown one (the same answer)",
    async (route) => {
      for (const [whose, objectIds] of [
        [OTHER, idsOf(OTHER)],
        ['nobody', UNKNOWN_IDS],
      ] as const) {
        const response = await withToken(requestFor(route, OWN, objectIds));
        expect(response.statusCode, whose).toBe(403);
        expect(response.json().error).toMatchObject({ code: 'forbidden' });
        expect(response.json().error.message).toContain('another customer');
      }
      // The other customer's object exists: the API key reads it, and the other customer's own token does.
      const other = requestFor(route, OTHER, idsOf(OTHER));
      expect((await world.call('GET', other.url)).statusCode).toBe(200);
      const minted = await world.call('POST', '/v1/customer-tokens', { customer: OTHER });
      const otherToken = minted.json<{ token: string }>().token;
      expect((await withToken(other, otherToken)).statusCode).toBe(200);
    },
  );

  it.each(objectRoutes)('%s: 400 (not 5xx) for a malformed id with a token', async (route) => {
    const malformed = { order: 'not-a-uuid', invoice: 'sub_123', subscription: 'in_123' };
    const response = await withToken(requestFor(route, OWN, malformed));
    expect(response.statusCode).toBe(400);
  });

  it("lists only its own customer's orders, invoices and subscriptions", async () => {
    for (const list of ['orders', 'invoices', 'subscriptions']) {
      const response = await withToken({ method: 'GET', url: `/v1/customers/${OWN}/${list}` });
      expect(response.statusCode, list).toBe(200);
      const listed = response.json<{ data: Array<{ id: string }> }>().data.map((object) => object.id);
      expect(listed.length, list).toBeGreaterThan(0);
      for (const id of Object.values(idsOf(OTHER))) expect(listed, list).not.toContain(id);
    }
  });

  it.each(keyOnlyRoutes)('%s: 403 for a customer token, even naming its own customer', async (route) => {
    for (const customer of [OWN, OTHER]) {
      const response = await withToken(requestFor(route, customer));
      expect(response.statusCode, customer).toBe(403);
      expect(response.json().error.code).toBe('forbidden');
    }
  });

  it('refuses an expired token with 401 customer_token_expired', async () => {
    const issuedAnHourAgo = createCustomerTokensService({
      secrets: [SECRET],
      production: false,
      now: () => Date.now() - 3_600_000,
    });
    const expired = issuedAnHourAgo.mint(OWN, 60).token;
    const response = await withToken(requestFor(`GET /v1/customers/:external_id/entitlements`, OWN), expired);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('customer_token_expired');
  });

  it('refuses a token signed with another secret, a changed payload or a changed signature', async () => {
    const foreign = createCustomerTokensService({
      secrets: ['another-secret-of-at-least-32-characters!!'],
      production: false,
    });
    const [payload = '', signature = ''] = token.slice('bct_'.length).split('.');
    const otherPayload = Buffer.from(JSON.stringify({ c: OTHER, exp: Date.now() / 1000 + 600 })).toString(
      'base64url',
    );
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    for (const forged of [
      foreign.mint(OWN).token,
      `bct_${otherPayload}.${signature}`,
      `bct_${payload}.${flipped}`,
      `bct_${payload}`,
      `bct_${payload}.${signature}.extra`,
      'bct_',
    ]) {
      const response = await withToken(
        requestFor('GET /v1/customers/:external_id/entitlements', OWN),
        forged,
      );
      expect(response.statusCode, forged).toBe(401);
      expect(response.json().error.code).toBe('unauthorized');
    }
  });

  it('accepts a token signed with an older secret still listed (rotation), and signs with the first', () => {
    const before = createCustomerTokensService({ secrets: [SECRET], production: false });
    const after = createCustomerTokensService({
      secrets: ['a-brand-new-secret-with-32-characters!!!', SECRET],
      production: false,
    });
    expect(after.verify(before.mint(OWN).token)).toMatchObject({ ok: true, token: { customer: OWN } });
    expect(before.verify(after.mint(OWN).token)).toEqual({ ok: false, refusal: 'bad_signature' });
  });

  it('answers 503 when minting in production without CUSTOMER_TOKEN_SECRET', () => {
    const unconfigured = createCustomerTokensService({ secrets: [], production: true });
    expect(() => unconfigured.mint(OWN)).toThrow(
      expect.objectContaining({ code: 'service_unavailable' }) as Error,
    );
    expect(unconfigured.verify(token)).toEqual({ ok: false, refusal: 'bad_signature' });
  });

  it('treats an unmatched /v1/ path with a valid token as 404, without one as 401', async () => {
    expect((await withToken({ method: 'GET', url: '/v1/nothing-here' })).statusCode).toBe(404);
    expect((await withToken({ method: 'GET', url: '/v1/nothing-here' }, 'bct_forged.x')).statusCode).toBe(
      401,
    );
  });
});
