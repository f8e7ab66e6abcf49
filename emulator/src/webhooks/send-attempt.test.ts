// Tests of one webhook attempt against receivers that misbehave at the TCP level.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeEvent } from '../core/events.js';
import { sendWebhook, type AttemptResult } from './send-attempt.js';

let server: Server;
let url: string;
const sockets = new Set<Socket>();
let behaviour: 'mixed' | 'silent' = 'mixed';

beforeAll(async () => {
  // `mixed`: of every three connections, one closed at once, one closed a moment later, one read and never
  // answered; `silent`: every connection read and never answered.
  let accepted = 0;
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const turn = behaviour === 'silent' ? 2 : accepted % 3;
    accepted += 1;
    if (turn === 0) socket.destroy();
    else if (turn === 1) setTimeout(() => socket.destroy(), 5);
    else socket.on('data', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const event = { id: 'evt_silent', object: 'event', type: 'customer.created' } as unknown as StripeEvent;

/** Garbage for the collector while the attempts wait: the condition under which a composite signal was lost. */
async function churnMemory(untilSettled: () => boolean, deadline: number): Promise<void> {
  do {
    const garbage = Array.from({ length: 20_000 }, (_, index) => ({ index, text: `row ${index}` }));
    garbage.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 5));
  } while (!untilSettled() && Date.now() < deadline);
}

describe('sendWebhook', () => {
  it('settles every attempt when the receiver drops or never answers, however busy the collector', async () => {
    const attempts = 300;
    // One long-lived signal for every attempt, as the dispatcher has; attempts start eight at a time.
    const caller = new AbortController();
    let settledCount = 0;
    const results: Array<Promise<AttemptResult>> = [];
    for (let index = 0; index < attempts; index += 1) {
      results.push(
        sendWebhook(url, event, 'whsec_silent', Math.floor(Date.now() / 1000), {
          timeoutMs: 300,
          signal: caller.signal,
        }).then((result) => {
          settledCount += 1;
          return result;
        }),
      );
      if (index % 8 === 7) await churnMemory(() => true, 0);
    }
    await churnMemory(() => settledCount === attempts, Date.now() + 15_000);
    expect(settledCount).toBe(attempts);
    const outcomes = await Promise.all(results);
    for (const result of outcomes) expect(result.statusCode).toBeNull();
    expect(outcomes.filter((result) => result.error === 'timed out after 300 ms').length).toBeGreaterThan(0);
  }, 30_000);

  it("ends an attempt when the caller's signal aborts, before its own timeout", async () => {
    behaviour = 'silent';
    const caller = new AbortController();
    const attempt = sendWebhook(url, event, 'whsec_silent', Math.floor(Date.now() / 1000), {
      timeoutMs: 60_000,
      signal: caller.signal,
    });
    setTimeout(() => caller.abort(new Error('emulator reset')), 50);
    expect(await attempt).toEqual({ statusCode: null, error: 'emulator reset' });
  });
});
