// Every billing `stripe trigger` recipe of the Stripe CLI, replayed over HTTP, runs and gets its event delivered.
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './index.js';
import { startEmulatorWithReceiver } from './test-support/sdk.js';
import { loadTriggerRecipes, type TriggerRecipe } from './test-support/trigger-recipe.js';
import { replayTriggerRecipe } from './test-support/trigger-replayer.js';
import type { WebhookReceiver } from './test-support/webhook-receiver.js';

const RECIPES_DIRECTORY = fileURLToPath(new URL('../test-data/stripe-cli-triggers/', import.meta.url));
const recipes = loadTriggerRecipes(RECIPES_DIRECTORY);
const SECRET = 'whsec_trigger_recipes';

/** The resources issue 14 counts as billing scope; every vendored recipe belongs to one of them. */
const BILLING_SCOPE = [
  'billing_portal.',
  'charge.',
  'checkout.session.',
  'customer.',
  'invoice.',
  'payment_intent.',
  'payment_method.',
  'price.',
  'product.',
  'setup_intent.',
  'test_helpers.test_clock.',
];

let emulator: RunningEmulator;
let receiver: WebhookReceiver;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, receiver, close } = await startEmulatorWithReceiver(SECRET, { logLevel: 'silent' }));
});
afterAll(() => close());

/** Waits until an event of `type` reached the receiver (some come from the time engine a moment later). */
async function deliveredEvent(type: string, timeoutMs = 5_000): Promise<Stripe.Event | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await emulator.webhooks.waitForIdle(1_000);
    const webhook = receiver.received.find((received) => received.event.type === type);
    if (webhook) {
      const signature = webhook.headers['stripe-signature'] as string;
      return Stripe.webhooks.constructEvent(webhook.body, signature, SECRET);
    }
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Replays one recipe on an emptied emulator (nothing left from the recipe before). */
async function replayFresh(recipe: TriggerRecipe) {
  emulator.reset();
  receiver.received.length = 0;
  return replayTriggerRecipe(recipe, { apiBase: emulator.url, apiKey: 'sk_test_cli_replayer' });
}

function receivedTypes(): string {
  return receiver.received.map((webhook) => webhook.event.type).join(', ');
}

describe('the Stripe CLI billing trigger recipes', () => {
  it('vendors the 63 recipes of billing scope', () => {
    expect(recipes).toHaveLength(63);
    const outside = recipes.filter(({ event }) => !BILLING_SCOPE.some((prefix) => event.startsWith(prefix)));
    expect(outside.map(({ event }) => event)).toEqual([]);
  });

  it.each(recipes)(
    '$event: every request succeeds and the event is delivered, signed',
    async ({ event, recipe }) => {
      const replayed = await replayFresh(recipe);
      expect(replayed.map((request) => request.name)).toEqual(recipe.fixtures.map((request) => request.name));
      const delivered = await deliveredEvent(event);
      expect(delivered?.type, `no ${event} delivered; got ${receivedTypes()}`).toBe(event);
    },
  );
});
