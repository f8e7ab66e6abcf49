// Tests that an emulator with a data folder keeps its state across restarts, through the official SDK.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../index.js';
import { recurringPrice } from '../test-support/billing.js';
import { stripeClientFor } from '../test-support/sdk.js';

const SEED = { products: [{ id: 'prod_seeded', name: 'Seeded', prices: [] }] };
const folders: string[] = [];
const running: RunningEmulator[] = [];

function dataFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'emulator-state-'));
  folders.push(folder);
  return folder;
}

async function start(dataDir: string, webhookSecret = 'whsec_first'): Promise<RunningEmulator> {
  const emulator = await startEmulator({
    dataDir,
    seed: SEED,
    webhooks: [{ url: 'http://127.0.0.1:9/hooks', secret: webhookSecret }],
    webhookRetry: { initialDelayMs: 60_000 },
  });
  running.push(emulator);
  return emulator;
}

afterEach(async () => {
  for (const emulator of running.splice(0)) await emulator.close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('state on disk', () => {
  it('keeps customers, subscriptions and their shared items across a restart, without seeding twice', async () => {
    const dataDir = dataFolder();
    const first = await start(dataDir);
    const stripe = stripeClientFor(first);
    const customer = await stripe.customers.create({ email: 'kept@example.com' });
    const price = await recurringPrice(stripe, 1200);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: 'pm_card_visa',
    });
    await first.close();

    const second = await start(dataDir, 'whsec_second');
    const again = stripeClientFor(second);
    expect(second.seeded).toEqual({ products: 0, prices: 0 });
    expect((await again.customers.retrieve(customer.id)) as { email: string }).toMatchObject({
      email: 'kept@example.com',
    });
    expect((await again.products.list({ ids: ['prod_seeded'] })).data).toHaveLength(1);
    const kept = await again.subscriptions.retrieve(subscription.id);
    expect(kept.status).toBe('active');
    // The item table and the subscription's items are still one object: updating one shows in the other.
    const item = kept.items.data[0]!;
    await again.subscriptionItems.update(item.id, { metadata: { seat: 'a' } });
    expect((await again.subscriptions.retrieve(subscription.id)).items.data[0]!.metadata).toEqual({
      seat: 'a',
    });
    // The start endpoint of the same URL is reused, signed with the secret configured now.
    expect(second.webhooks.endpoints[0]).toMatchObject({ secret: 'whsec_second' });
    expect((await again.webhookEndpoints.list()).data).toHaveLength(1);
  });

  it('starts empty after a reset and says how to recover from an unreadable file', async () => {
    const dataDir = dataFolder();
    const first = await start(dataDir);
    const customer = await stripeClientFor(first).customers.create({});
    await fetch(`${first.url}/_emulator/reset`, { method: 'POST' });
    await first.close();
    const second = await start(dataDir);
    await expect(stripeClientFor(second).customers.retrieve(customer.id)).rejects.toMatchObject({
      statusCode: 404,
    });
    await second.close();

    writeFileSync(join(dataDir, 'state.v8'), 'not a snapshot');
    await expect(start(dataDir)).rejects.toThrow(/cannot read its saved state .*state\.v8; delete that file/);
  });
});
