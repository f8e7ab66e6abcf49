import Stripe from 'stripe';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from '../index.js';

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
