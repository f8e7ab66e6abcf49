// Test helpers completing a checkout session and moving the global clock through the control API.
import type Stripe from 'stripe';
import type { RunningEmulator } from '../index.js';

/**
 * Completes a checkout session through the emulator's test helper, as a customer on the hosted page would.
 * Resolves to the HTTP status and body (the session, or Stripe's error body).
 */
export async function completeCheckout(
  emulator: RunningEmulator,
  sessionId: string,
  payment: Record<string, string | number>,
): Promise<{
  status: number;
  body: Stripe.Checkout.Session & {
    error?: { type: string; code?: string; decline_code?: string; message: string };
  };
}> {
  const response = await fetch(`${emulator.url}/_emulator/checkout/sessions/${sessionId}/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payment),
  });
  return { status: response.status, body: (await response.json()) as never };
}

/** Moves the emulator's global clock forward. */
export async function advanceGlobalClock(emulator: RunningEmulator, seconds: number): Promise<void> {
  const response = await fetch(`${emulator.url}/_emulator/clock/advance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ seconds }),
  });
  if (!response.ok) throw new Error(`clock advance failed: ${response.status} ${await response.text()}`);
}
