// Security suite, customer-scoped tokens: a token reads only its own customer's entitlements, subscriptions
// (orders and invoices where those routes exist) and opens only its own portal; every other route, and every
// route naming another customer in its path or body, is 403.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeAccess } from '../route-access.js';
import { SHOP, startSeededTestApp, type SeededTestApp } from '../test-support/seeded-test-app.js';
import { createCustomerTokensService } from './customer-tokens.js';

const SECRET = 'customer-token-secret-for-tests-0123456789';
const OWN = 'token_owner';
const OTHER = 'token_other';

/** The route with every customer id (path and body) set to `customer`. */
function requestFor(route: string, customer: string) {
  const [method = '', pattern = ''] = route.split(' ');
  const url = pattern
    .replace(':external_id', customer)
    .replace(':feature', 'sso')
    .replace('/events/:id', '/events/evt_probe')
    .replace(':id', 'sub_probe');
  const payload =
    pattern === '/v1/portal/sessions'
      ? { customer, return_url: `${SHOP}/account` }
      : { customer, external_id: customer, return_url: `${SHOP}/account` };
  return { method: method as 'GET' | 'POST', url, ...(method === 'POST' ? { payload } : {}) };
}

const tokenRoutes = Object.entries(routeAccess)
  .filter(([, access]) => access.customerToken !== undefined)
  .map(([route]) => route);
const keyOnlyRoutes = Object.entries(routeAccess)
  .filter(([, access]) => access.customerToken === undefined)
  .map(([route]) => route);

describe('API1:2023 Broken Object Level Authorization — customer tokens', () => {
  let world: SeededTestApp;
  let token: string;
  const withToken = (request: ReturnType<typeof requestFor>, bearer = token) =>
    world.app.inject({ ...request, headers: { authorization: `Bearer ${bearer}` } });

  beforeAll(async () => {
    world = await startSeededTestApp({ CUSTOMER_TOKEN_SECRET: SECRET });
    for (const external_id of [OWN, OTHER]) {
      const created = await world.call('POST', '/v1/customers', {
        external_id,
        email: `${external_id}@example.com`,
      });
      expect(created.statusCode).toBe(201);
    }
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
    const response = await withToken(requestFor(route, OWN));
    expect([200, 201], response.body).toContain(response.statusCode);
  });

  it.each(tokenRoutes)('%s: 403 with another customer in the path or body', async (route) => {
    for (const customer of [OTHER, OWN.toUpperCase(), `${OWN}x`, 'nobody_here']) {
      const response = await withToken(requestFor(route, customer));
      expect(response.statusCode, customer).toBe(403);
      expect(response.json().error.message).toContain('another customer');
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
