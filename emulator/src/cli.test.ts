// Tests of the `stripe-emulator` command run as a process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from './test-support/webhook-receiver.js';

const BIN = fileURLToPath(new URL('../bin/stripe-emulator.js', import.meta.url));
const SECRET = 'whsec_cli_smoke';
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());

describe('the stripe-emulator command', () => {
  it('starts from its bin with --port, --seed and --webhook, serves the SDK, and exits 0 on SIGTERM', async () => {
    const seed = join(mkdtempSync(join(tmpdir(), 'emulator-cli-')), 'catalog.json');
    writeFileSync(
      seed,
      JSON.stringify({
        products: [
          {
            id: 'prod_cli',
            name: 'CLI',
            prices: [
              {
                lookup_key: 'cli_monthly',
                unit_amount: 700,
                currency: 'usd',
                recurring: { interval: 'month' },
              },
            ],
          },
        ],
      }),
    );
    const child = spawn(
      process.execPath,
      [
        BIN,
        '--port',
        '0',
        '--seed',
        seed,
        '--webhook',
        receiver.url,
        '--webhook-secret',
        SECRET,
        '--log-level',
        'silent',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let banner = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          banner += chunk.toString('utf8');
          const match = /listening on (http:\/\/\S+)/.exec(banner);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${banner}`)));
      });
      expect(banner).toContain('seeded 1 product(s), 1 price(s)');
      const { hostname, port } = new URL(url);
      const stripe = new Stripe('sk_test_cli', { host: hostname, port: Number(port), protocol: 'http' });
      const prices = await stripe.prices.list({ lookup_keys: ['cli_monthly'] });
      expect(prices.data[0]).toMatchObject({ product: 'prod_cli', unit_amount: 700 });
      const customer = await stripe.customers.create({ email: 'cli@example.com' });
      await expect
        .poll(() => receiver.received.map((webhook) => webhook.event.type), { timeout: 5_000 })
        .toContain('customer.created');
      const webhook = receiver.received.find((entry) => entry.event.type === 'customer.created')!;
      const event = stripe.webhooks.constructEvent(
        webhook.body,
        webhook.headers['stripe-signature'] as string,
        SECRET,
      );
      expect((event.data.object as Stripe.Customer).id).toBe(customer.id);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 20_000);
});
