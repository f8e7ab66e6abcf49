// Security suite, server-side requests: the only URLs the service itself calls on a caller's word are outgoing
// webhook endpoints; schemes other than http(s), credentials in the URL and non-URLs are refused when the
// endpoint is created, so the delivery worker never opens them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSeededTestApp, type SeededTestApp } from '../test-support/seeded-test-app.js';

describe('API7:2023 Server Side Request Forgery — outgoing webhook URLs', () => {
  let world: SeededTestApp;
  const endpoints = async () =>
    Number(
      (await world.dependencies.pool.query<{ count: string }>('SELECT count(*) FROM webhook_endpoints'))
        .rows[0]?.count,
    );

  beforeAll(async () => {
    world = await startSeededTestApp();
  });

  afterAll(async () => {
    await world.closeAll();
  });

  it.each([
    ['file:', 'file:///etc/passwd', 'must be http or https'],
    ['gopher: (raw TCP to Redis)', 'gopher://127.0.0.1:6379/_FLUSHALL', 'must be http or https'],
    ['dict:', 'dict://127.0.0.1:11211/stats', 'must be http or https'],
    ['ftp:', 'ftp://files.example/upload', 'must be http or https'],
    ['javascript:', 'javascript:alert(1)', 'must be http or https'],
    ['data:', 'data:text/plain,hello', 'must be http or https'],
    ['credentials in the URL', 'https://user:pass@hooks.example/in', 'must not carry credentials'],
    ['a username only', 'https://admin@hooks.example/in', 'must not carry credentials'],
    ['not a URL', 'hooks.example/in', 'not a URL'],
    ['a protocol-relative URL', '//hooks.example/in', 'not a URL'],
  ])('refuses %s with 400 validation_failed on url, creating nothing', async (_name, url, reason) => {
    const before = await endpoints();
    const response = await world.call('POST', '/v1/webhook-endpoints', { url, event_types: ['*'] });
    expect(response.statusCode).toBe(400);
    const error = response.json<{ error: { code: string; param: string; message: string } }>().error;
    expect(error).toMatchObject({ code: 'validation_failed', param: 'url' });
    expect(error.message).toContain(reason);
    expect(await endpoints()).toBe(before);
  });

  it('shows the endpoint secret once, at creation, and never in a listing or a read', async () => {
    const created = await world.call('POST', '/v1/webhook-endpoints', {
      url: 'https://hooks.example/in',
      event_types: ['*'],
    });
    expect(created.statusCode).toBe(201);
    const { id, secret } = created.json<{ id: string; secret: string }>();
    expect(secret).toMatch(/^whsec_/);
    const read = await world.call('GET', `/v1/webhook-endpoints/${id}`);
    const listed = await world.call('GET', '/v1/webhook-endpoints');
    expect(read.statusCode).toBe(200);
    expect(read.body).not.toContain(secret);
    expect(listed.body).not.toContain(secret);
    expect(read.json()).not.toHaveProperty('secret');
  });
});
