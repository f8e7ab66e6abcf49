// Test helpers: an official SDK client on a started emulator, optionally with a recording webhook receiver.
import Stripe from 'stripe';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from '../index.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

/** An official SDK client pointed at a running emulator, the way the service points it. */
export function stripeClientFor(emulator: RunningEmulator, options: Stripe.StripeConfig = {}): Stripe {
  const url = new URL(emulator.url);
  return new Stripe('sk_test_emulator', {
    host: url.hostname,
    port: Number(url.port),
    protocol: 'http',
    maxNetworkRetries: 0,
    ...options,
  });
}

/** Starts an emulator and an SDK client for one test file; call `close()` in afterAll. */
export async function startEmulatorWithClient(
  options: StartEmulatorOptions = {},
): Promise<{ emulator: RunningEmulator; stripe: Stripe; close: () => Promise<void> }> {
  const emulator = await startEmulator(options);
  return { emulator, stripe: stripeClientFor(emulator), close: () => emulator.close() };
}

/**
 * Starts a recording webhook receiver and an emulator that sends every event to it, signed with `secret`, plus an
 * SDK client; `close()` stops both.
 */
export async function startEmulatorWithReceiver(
  secret: string,
  options: Omit<StartEmulatorOptions, 'webhooks'> = {},
): Promise<{
  emulator: RunningEmulator;
  stripe: Stripe;
  receiver: WebhookReceiver;
  close: () => Promise<void>;
}> {
  const receiver = await startWebhookReceiver();
  const emulator = await startEmulator({ ...options, webhooks: [{ url: receiver.url, secret }] });
  return {
    emulator,
    stripe: stripeClientFor(emulator),
    receiver,
    close: async () => {
      await emulator.close();
      await receiver.close();
    },
  };
}
