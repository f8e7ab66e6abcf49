import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';
import { signPayload } from '../test-support/stripe-events.js';
import { postWebhook } from '../test-support/webhook-delivery.js';

const secret = 'whsec_poison_test';
const GOOD_EVENTS = 60;

function eventPayload(id: string, changes: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id,
    object: 'event',
    type: 'customer.updated',
    api_version: '2024-06-20',
    created: 1_764_000_000,
    livemode: false,
    data: { object: { id: 'cus_poison_test', object: 'customer' } },
    ...changes,
  });
}

const poisons: Array<{ name: string; id: string; changes: Record<string, unknown> }> = [
  { name: 'a NUL in type', id: 'evt_poison_type', changes: { type: 'customer.\u0000updated' } },
  { name: 'a NUL in api_version', id: 'evt_poison_version', changes: { api_version: '2024-06-20\u0000' } },
  { name: 'created out of range', id: 'evt_poison_created', changes: { created: 1e17 } },
  { name: 'a NUL in the id', id: 'evt_poison_id', changes: { id: 'evt_poison\u0000id' } },
];

describe('one poison webhook among many good ones', () => {
  let database: TestDatabase;
  let testApp: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    testApp = await buildTestApp({
      databaseUrl: database.url,
      environment: { STRIPE_WEBHOOK_SECRET: secret, LOG_LEVEL: 'warn' },
    });
  });

  afterAll(async () => {
    await testApp.close();
    await database.drop();
  });

  it.each(poisons)(
    '$name fails alone (400); every good event of its batch is stored (200)',
    async (poison) => {
      const goodIds = Array.from({ length: GOOD_EVENTS }, (_, index) => `${poison.id}_good_${index}`);
      const payloads = goodIds.map((id) => eventPayload(id));
      // The poison in the middle of the crowd, so that it shares a group-commit batch with good events.
      payloads.splice(GOOD_EVENTS / 2, 0, eventPayload(poison.id, poison.changes));
      const responses = await Promise.all(
        payloads.map((payload) => postWebhook(testApp.app, payload, signPayload(payload, secret))),
      );
      const statuses = responses.map((response) => response.statusCode);
      expect(statuses.filter((status) => status === 200)).toHaveLength(GOOD_EVENTS);
      expect(statuses[GOOD_EVENTS / 2]).toBe(400);
      expect(responses[GOOD_EVENTS / 2]?.json()).toMatchObject({ error: { code: 'bad_request' } });
      const stored = await testApp.dependencies.pool.query<{ id: string }>(
        'SELECT id FROM stripe_events WHERE id LIKE $1',
        [`${poison.id}%`],
      );
      expect(stored.rows.map((row) => row.id).sort()).toEqual([...goodIds].sort());
    },
  );
});
