import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSeededTestApp, type SeededTestApp } from '../test-support/seeded-test-app.js';

describe('our Idempotency-Key', () => {
  let world: SeededTestApp;

  beforeAll(async () => {
    world = await startSeededTestApp();
  });
  afterAll(async () => {
    world.emulator.faults.clear();
    await world.closeAll();
  });

  const create = (key: string, externalId: string, email = 'a@example.com') =>
    world.call('POST', '/v1/customers', { external_id: externalId, email }, { 'idempotency-key': key });

  it('replays the stored status and body byte for byte for the same key and body', async () => {
    const first = await create('key-same', 'idem_1');
    expect(first.statusCode).toBe(201);
    const replay = await create('key-same', 'idem_1');
    expect(replay.statusCode).toBe(201);
    expect(replay.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers['content-type']).toBe(first.headers['content-type']);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
  });

  it('refuses the same key with another body with 422', async () => {
    await create('key-other', 'idem_2');
    const response = await create('key-other', 'idem_2', 'b@example.com');
    expect(response.statusCode).toBe(422);
    expect(response.json().error).toMatchObject({ code: 'unprocessable_entity', param: 'Idempotency-Key' });
  });

  it('answers 409 while the first request with the key is still running', async () => {
    world.emulator.faults.add({ type: 'latency', endpoint: 'POST /v1/customers', latency_ms: 400, count: 1 });
    const first = create('key-running', 'idem_3');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const second = await create('key-running', 'idem_3');
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('conflict');
    expect((await first).statusCode).toBe(201);
    expect((await create('key-running', 'idem_3')).headers['idempotent-replayed']).toBe('true');
  });

  it('refuses keys longer than 255 characters with 400', async () => {
    const response = await create('k'.repeat(256), 'idem_4');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.param).toBe('Idempotency-Key');
    expect((await create('k'.repeat(255), 'idem_4')).statusCode).toBe(201);
  });

  it('does not store a 5xx outcome: the same key can be retried and then succeeds', async () => {
    world.emulator.faults.add({ type: 'error', endpoint: 'POST /v1/customers', status: 500, count: 1 });
    expect((await create('key-5xx', 'idem_5')).statusCode).toBe(502);
    const retried = await create('key-5xx', 'idem_5');
    // Our customer row was written before the failed Stripe call, so the retry finds it (200, not 201).
    expect(retried.statusCode).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
  });

  it('scopes keys per API key', async () => {
    await create('key-scoped', 'idem_6');
    const { key } = await world.dependencies.apiKeys.create({ name: 'second', scopes: ['billing'] });
    const response = await world.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'key-scoped' },
      payload: { external_id: 'idem_6_other', email: 'a@example.com' },
    });
    expect(response.statusCode).toBe(201);
  });

  it('forgets keys after the retention: an expired key runs the request again', async () => {
    await create('key-expired', 'idem_7');
    await world.dependencies.pool.query(
      "UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'key-expired'",
    );
    const response = await create('key-expired', 'idem_7', 'changed@example.com');
    expect(response.statusCode).toBe(200);
    expect(response.headers['idempotent-replayed']).toBeUndefined();
  });
});
