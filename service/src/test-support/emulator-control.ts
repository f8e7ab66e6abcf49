// Drives an emulator's control API from service tests, as a buyer would act on the hosted pages.
import type { RunningEmulator } from 'stripe-emulator';

/** Pays a checkout session (card 4242 by default) without a browser. */
export async function completeCheckoutSession(emulator: RunningEmulator, sessionId: string): Promise<void> {
  const response = await fetch(`${emulator.url}/_emulator/checkout/sessions/${sessionId}/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ card: '4242424242424242' }),
  });
  if (!response.ok)
    throw new Error(`completing ${sessionId} failed: ${response.status} ${await response.text()}`);
}

/** The emulator's stored object, as Stripe would return it. */
export function emulatorObject<Shape>(emulator: RunningEmulator, objectName: string, id: string): Shape {
  return emulator.context.state.table(objectName).get(id) as unknown as Shape;
}
