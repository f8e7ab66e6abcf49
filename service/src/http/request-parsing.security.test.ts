// Security suite, what a request body and its strings may be: content types other than JSON, malformed and deeply
// nested JSON, prototype-pollution keys, and injection strings (SQL, LIKE wildcards, path traversal, markup, CRLF),
// which are refused with a precise 4xx or stored verbatim as data, never interpreted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAppRoutes, routeName } from '../test-support/route-inventory.js';
import { startSeededTestApp, type SeededTestApp } from '../test-support/seeded-test-app.js';

const bodyRoutes = (await listAppRoutes()).filter(
  (route) => route.url.startsWith('/v1/') && route.method === 'POST' && route.body?.properties !== undefined,
);

/** Strings that mean something to SQL, LIKE, shells, templates, browsers or HTTP; to us they are data. */
const INJECTION_STRINGS = [
  "' OR '1'='1' --",
  "'; DROP TABLE customers; --",
  'Robert"); DELETE FROM api_keys; --',
  '$1 $2 \\x00',
  '100% _match_',
  '../../../etc/passwd',
  '<script>alert(document.cookie)</script>',
  '{{constructor.constructor("return process")()}}',
  '${process.env.DATABASE_URL}',
  '\r\nX-Injected: yes',
  '{"$gt": ""}',
  '\u202e\u0644\u0627 RTL',
];

describe('API8:2023 Security Misconfiguration — request parsing and injection', () => {
  let world: SeededTestApp;
  const customerCount = async () =>
    Number(
      (await world.dependencies.pool.query<{ count: string }>('SELECT count(*) FROM customers')).rows[0]
        ?.count,
    );

  beforeAll(async () => {
    world = await startSeededTestApp({ RATE_LIMIT_MAX: '100000' });
    expect(
      (await world.call('POST', '/v1/customers', { external_id: 'user1', email: 'u1@example.com' }))
        .statusCode,
    ).toBe(201);
  });

  afterAll(async () => {
    await world.closeAll();
  });

  const send = (url: string, payload: string, contentType: string | undefined) =>
    world.app.inject({
      method: 'POST',
      url,
      headers: {
        authorization: `Bearer ${world.apiKey}`,
        ...(contentType === undefined ? {} : { 'content-type': contentType }),
      },
      payload,
    });

  function expectError(response: { statusCode: number; body: string }, status: number, code: string): void {
    expect(response.statusCode, response.body).toBe(status);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code, request_id: expect.any(String) } });
  }

  const wrongTypes = bodyRoutes.flatMap((route) =>
    [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
    ].map((type) => [routeName(route), route.url, type] as const),
  );

  it.each(wrongTypes)('%s refuses a %s body with 415 unsupported_media_type', async (_name, url, type) => {
    const before = await customerCount();
    const concrete = url.replace(/:(\w+)/g, (_match, name: string) =>
      name === 'external_id' ? 'user1' : '00000000-0000-4000-8000-000000000001',
    );
    expectError(
      await send(concrete, '{"external_id":"x1","email":"x@example.com"}', type),
      415,
      'unsupported_media_type',
    );
    expect(await customerCount()).toBe(before);
  });

  it.each([
    ['malformed JSON', '{"external_id": "x2", ', 'application/json'],
    [
      'JSON with trailing garbage',
      '{"external_id":"x2","email":"x2@example.com"} trailing',
      'application/json',
    ],
    ['an empty JSON body', '', 'application/json'],
    ['a JSON text that is only a string', '"x2"', 'application/json'],
    ['a JSON array', '[{"external_id":"x2","email":"x2@example.com"}]', 'application/json'],
    ['JSON null', 'null', 'application/json'],
  ])('refuses %s with 400', async (_name, payload, type) => {
    const before = await customerCount();
    const response = await send('/v1/customers', payload, type);
    expect(response.statusCode, response.body).toBe(400);
    expect(['bad_request', 'validation_failed']).toContain(
      response.json<{ error: { code: string } }>().error.code,
    );
    expect(await customerCount()).toBe(before);
  });

  it.each([
    ['33 levels in metadata', 33],
    ['10 000 levels', 10_000],
    ['200 000 levels (400 KB of brackets)', 200_000],
  ])(
    'refuses JSON nested %s with 400 validation_failed, without exhausting the stack',
    async (_name, depth) => {
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const payload = `{"external_id":"deep1","email":"deep@example.com","metadata":{"a":${nested}}}`;
      const response = await send('/v1/customers', payload, 'application/json');
      expectError(response, 400, 'validation_failed');
      expect(response.json<{ error: { message: string } }>().error.message).toMatch(
        /nested more than 32 levels/,
      );
    },
  );

  it.each([
    ['a top-level __proto__', '{"__proto__":{"admin":true},"external_id":"p1","email":"p1@example.com"}'],
    [
      'a nested __proto__',
      '{"external_id":"p2","email":"p2@example.com","metadata":{"__proto__":{"admin":"1"}}}',
    ],
    [
      'constructor.prototype',
      '{"external_id":"p3","email":"p3@example.com","constructor":{"prototype":{"admin":true}}}',
    ],
    [
      '__proto__ inside an array item',
      '{"customer":"user1","mode":"payment","items":[{"__proto__":{"quantity":1}}]}',
    ],
  ])('refuses %s with 400 bad_request and pollutes nothing', async (_name, payload) => {
    const before = await customerCount();
    const url = payload.includes('"items"') ? '/v1/checkout/sessions' : '/v1/customers';
    expectError(await send(url, payload, 'application/json'), 400, 'bad_request');
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(await customerCount()).toBe(before);
  });

  it('reads __proto__ and constructor in a query string as plain names, polluting nothing', async () => {
    const response = await world.call(
      'GET',
      '/v1/catalog?__proto__[admin]=1&constructor[prototype][admin]=1&__proto__=x',
    );
    expect(response.statusCode).toBe(200);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('admin');
  });

  it('leaves a lone surrogate percent-encoded in a query string as undecoded text: it cannot reach a query', async () => {
    const response = await world.call('GET', '/v1/admin/events?type=invoice.%ED%A0%80paid');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ data: unknown[] }>().data).toEqual([]);
  });

  it.each(INJECTION_STRINGS)(
    'stores %j verbatim as a name and a metadata value, and reads it back',
    async (text) => {
      const before = await customerCount();
      const externalId = `inj_${before}`;
      const created = await world.call('POST', '/v1/customers', {
        external_id: externalId,
        email: `${externalId}@example.com`,
        name: text,
        metadata: { note: text },
      });
      expect(created.statusCode, created.body).toBe(201);
      const read = await world.call('GET', `/v1/customers/${externalId}`);
      expect(read.json()).toMatchObject({ external_id: externalId, name: text, metadata: { note: text } });
      expect(await customerCount()).toBe(before + 1);
    },
  );

  it.each(INJECTION_STRINGS)(
    'looks %j up as a customer id, as data: 404 not_found, nothing changed',
    async (text) => {
      const before = await customerCount();
      const response = await world.call('GET', `/v1/customers/${encodeURIComponent(text)}/entitlements`);
      expectError(response, 404, 'not_found');
      expect(response.json<{ error: { message: string } }>().error.message).toContain(
        `no customer "${text}"`,
      );
      expect(await customerCount()).toBe(before);
    },
  );

  it('treats _ in a customer id literally, never as a LIKE wildcard', async () => {
    expectError(await world.call('GET', '/v1/customers/user_'), 404, 'not_found');
    expectError(await world.call('GET', '/v1/customers/use__'), 404, 'not_found');
    expect((await world.call('GET', '/v1/customers/user1')).statusCode).toBe(200);
  });

  it.each(["' OR 1=1 --", '../admin', '%00', 'x'.repeat(300)])(
    'refuses %j as an event cursor with 400 validation_failed',
    async (text) => {
      const response = await world.call('GET', `/v1/events?after=${encodeURIComponent(text)}`);
      expectError(response, 400, 'validation_failed');
    },
  );
});
