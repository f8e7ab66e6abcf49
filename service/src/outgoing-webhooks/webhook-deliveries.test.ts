import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../db/transaction.js';
import type { OutgoingEvent } from '../outbox/outbox.service.js';
import { checkout, createCustomer } from '../test-support/billing-flows.js';
import { startBillingWorld, type BillingWorld } from '../test-support/billing-world.js';
import { createDeliveryWorker, type DeliveryWorker } from './delivery-worker.js';
import { SIGNATURE_HEADER, verifyBillingSignature } from './webhook-signature.js';

/** A real receiver: verifies each signature with the secrets it knows, and behaves as the test sets it. */
function startReceiver() {
  const state = {
    secrets: [] as string[],
    behaviour: (_count: number): 'ok' | 'fail' | 'slow' => 'ok',
    accepted: [] as OutgoingEvent[],
    signatureHeaders: [] as string[],
    requests: 0,
    badSignatures: 0,
  };
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          state.requests += 1;
          const body = Buffer.concat(chunks).toString('utf8');
          const header = String(request.headers[SIGNATURE_HEADER] ?? '');
          if (!state.secrets.some((secret) => verifyBillingSignature(body, header, secret))) {
            state.badSignatures += 1;
            response.writeHead(400).end();
            return;
          }
          const behaviour = state.behaviour(state.requests);
          if (behaviour === 'fail') return response.writeHead(500).end();
          if (behaviour === 'slow') {
            // Longer than the worker's timeout: the worker gives up and retries later.
            setTimeout(() => response.writeHead(200).end(), 600);
            return;
          }
          state.accepted.push(JSON.parse(body) as OutgoingEvent);
          state.signatureHeaders.push(header);
          response.writeHead(200).end();
        });
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      server?.closeAllConnections();
      server?.close(() => resolve());
    });
  return { state, listen, close, url: () => `http://127.0.0.1:${port}/hooks` };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('outgoing webhooks', () => {
  let world: BillingWorld;
  let worker: DeliveryWorker;
  const receiver = startReceiver();
  let customerCount = 0;

  beforeAll(async () => {
    world = await startBillingWorld();
    await receiver.listen();
  });
  afterEach(async () => {
    await worker?.stop();
    receiver.state.behaviour = () => 'ok';
    for (const endpoint of (await world.call('GET', '/v1/webhook-endpoints')).json<{
      data: Array<{ id: string }>;
    }>().data) {
      await world.call('DELETE', `/v1/webhook-endpoints/${endpoint.id}`);
    }
    receiver.state.accepted = [];
  });
  afterAll(async () => {
    await receiver.close();
    await world.closeAll();
  });

  function startWorker(settings: { giveUpSeconds?: number } = {}) {
    worker = createDeliveryWorker({
      pool: world.dependencies.pool,
      outbox: world.dependencies.outbox,
      logger: world.dependencies.logger,
      registry: world.dependencies.metrics.registry,
      settings: {
        ...world.dependencies.config.outgoingWebhooks,
        pollIntervalMs: 20,
        timeoutMs: 300,
        retryBaseSeconds: 0.05,
        retryMaxSeconds: 0.2,
        ...settings,
      },
    });
    worker.start();
  }

  async function createEndpoint(eventTypes: string[] = ['*']) {
    const response = await world.call('POST', '/v1/webhook-endpoints', {
      url: receiver.url(),
      event_types: eventTypes,
    });
    expect(response.statusCode).toBe(201);
    const endpoint = response.json<{ id: string; secret: string }>();
    receiver.state.secrets = [endpoint.secret];
    return endpoint;
  }

  /** Customers of our own, with events appended as the services append them. */
  async function customers(count: number): Promise<Array<{ id: string; externalId: string }>> {
    const created = [];
    for (let index = 0; index < count; index += 1) {
      customerCount += 1;
      const externalId = `hook_customer_${customerCount}`;
      const row = await world.dependencies.pool.query<{ id: string }>(
        `INSERT INTO customers (external_id, email) VALUES ($1, $1 || '@example.com') RETURNING id`,
        [externalId],
      );
      created.push({ id: row.rows[0]!.id, externalId });
    }
    return created;
  }
  const append = (customerId: string, data: Record<string, unknown>) =>
    withTransaction(world.dependencies.pool, (client) =>
      world.dependencies.outbox.append(client, { customerId, type: 'entitlements.changed', data }),
    );

  it('delivers what a purchase changed, signed, and shows it in the delivery log', async () => {
    const endpoint = await createEndpoint(['order.paid', 'entitlements.changed']);
    const listed = await world.call('GET', `/v1/webhook-endpoints/${endpoint.id}`);
    expect(listed.json()).not.toHaveProperty('secret');
    startWorker();
    await createCustomer(world, 'hook_buyer');
    await checkout(world, {
      customer: 'hook_buyer',
      mode: 'payment',
      items: [{ lookup_key: 'guide_pdf', quantity: 1 }],
    });
    await world.settle();
    await until(
      () => receiver.state.accepted.filter((event) => event.customer === 'hook_buyer').length >= 2,
      'events',
    );
    const mine = receiver.state.accepted.filter((event) => event.customer === 'hook_buyer');
    expect(mine.map((event) => event.type).sort()).toEqual(['entitlements.changed', 'order.paid']);
    expect(mine.map((event) => event.sequence)).toEqual([1, 2]);
    expect(receiver.state.badSignatures).toBe(0);
    // The receiver has them a moment before the worker records its answer.
    const log = async () =>
      (await world.call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`)).json<{
        data: Array<{ id: string; status: string; attempts: number }>;
      }>().data;
    await until(
      async () => (await log()).every((delivery) => delivery.status === 'delivered'),
      'the log to show both delivered',
    );
    const deliveries = await log();
    expect(deliveries.map((delivery) => delivery.status)).toEqual(['delivered', 'delivered']);

    // A replay of a delivered one sends it again.
    const retried = await world.call(
      'POST',
      `/v1/webhook-endpoints/${endpoint.id}/deliveries/${deliveries[0]!.id}/retry`,
    );
    expect(retried.statusCode).toBe(200);
    await until(
      () => receiver.state.accepted.filter((event) => event.customer === 'hook_buyer').length === 3,
      'replay',
    );
    const delivered = async () =>
      Number(
        /outgoing_webhook_deliveries_total\{outcome="delivered"\} (\d+)/.exec(
          await world.dependencies.metrics.registry.metrics(),
        )?.[1],
      );
    await until(async () => (await delivered()) >= 3, 'the delivered count');
    expect(await delivered()).toBe(3);
  });

  it('loses nothing and keeps each customer in order through a failing, slow and then down receiver', async () => {
    await createEndpoint();
    const people = await customers(3);
    // Every third request fails, every fifth is too slow to wait for.
    receiver.state.behaviour = (count) => (count % 3 === 0 ? 'fail' : count % 5 === 0 ? 'slow' : 'ok');
    startWorker();
    for (let round = 0; round < 6; round += 1) {
      for (const person of people) await append(person.id, { round });
    }
    await until(() => receiver.state.accepted.length >= 6, 'the first deliveries');
    await receiver.close();
    for (let round = 6; round < 10; round += 1) {
      for (const person of people) await append(person.id, { round });
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
    await receiver.listen();
    await until(() => new Set(receiver.state.accepted.map((event) => event.id)).size === 30, 'all 30 events');
    for (const person of people) {
      const sequences = receiver.state.accepted
        .filter((event) => event.customer === person.externalId)
        .map((event) => event.sequence);
      // Accepted in order, each once (a slow answer the worker gave up on was not accepted by the receiver).
      expect(sequences, person.externalId).toEqual(Array.from({ length: 10 }, (_, index) => index + 1));
    }
  });

  it('disables an endpoint that keeps failing; enabled again, it gets what waited, in order', async () => {
    const endpoint = await createEndpoint();
    const [person] = await customers(1);
    receiver.state.behaviour = () => 'fail';
    startWorker({ giveUpSeconds: 0.3 });
    await append(person!.id, { step: 1 });
    await until(
      async () =>
        (await world.call('GET', `/v1/webhook-endpoints/${endpoint.id}`)).json<{ status: string }>()
          .status === 'disabled',
      'the endpoint disabled',
    );
    await append(person!.id, { step: 2 });
    receiver.state.behaviour = () => 'ok';
    const enabled = await world.call('POST', `/v1/webhook-endpoints/${endpoint.id}/enable`);
    expect(enabled.statusCode).toBe(200);
    expect(enabled.json()).toMatchObject({ endpoint: { status: 'enabled' }, requeued: 1 });
    await until(() => receiver.state.accepted.length === 2, 'both events');
    expect(receiver.state.accepted.map((event) => event.data.step)).toEqual([1, 2]);
  });

  it('signs with both secrets while a rotation overlaps', async () => {
    const endpoint = await createEndpoint();
    const [person] = await customers(1);
    const rotated = await world.call('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {
      overlap_hours: 1,
    });
    const { secret } = rotated.json<{ secret: string }>();
    expect(secret).not.toBe(endpoint.secret);
    // The receiver still knows only the old secret: deliveries keep verifying during the overlap.
    startWorker();
    await append(person!.id, { rotated: true });
    await until(() => receiver.state.accepted.length === 1, 'the delivery');
    const header = receiver.state.signatureHeaders.at(-1)!;
    expect(header.match(/v1=/g)).toHaveLength(2);
    const body = JSON.stringify(receiver.state.accepted[0]);
    expect(verifyBillingSignature(body, header, secret)).toBe(true);
    expect(verifyBillingSignature(body, header, 'whsec_wrong')).toBe(false);
  });

  it('refuses bad endpoints, unknown ids and deliveries of other endpoints', async () => {
    for (const body of [
      { url: 'ftp://example.com/hooks', event_types: ['*'] },
      { url: 'not a url', event_types: ['*'] },
      { url: 'https://user:secret@example.com/hooks', event_types: ['*'] },
      { url: 'https://example.com/hooks', event_types: ['order.shipped'] },
      { url: 'https://example.com/hooks', event_types: [] },
    ]) {
      expect((await world.call('POST', '/v1/webhook-endpoints', body)).statusCode, JSON.stringify(body)).toBe(
        400,
      );
    }
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await world.call('GET', `/v1/webhook-endpoints/${unknown}`)).statusCode).toBe(404);
    expect((await world.call('GET', '/v1/webhook-endpoints/not-a-uuid')).statusCode).toBe(400);
    const endpoint = await createEndpoint();
    expect(
      (await world.call('POST', `/v1/webhook-endpoints/${endpoint.id}/deliveries/${unknown}/retry`))
        .statusCode,
    ).toBe(404);
    expect(
      (await world.call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries?starting_after=${unknown}`))
        .statusCode,
    ).toBe(400);
    expect((await world.call('DELETE', `/v1/webhook-endpoints/${endpoint.id}`)).statusCode).toBe(200);
    expect((await world.call('GET', `/v1/webhook-endpoints/${endpoint.id}`)).statusCode).toBe(404);
  });
});
