// Real Stripe event payloads (service/test-data/stripe-events) and signatures made by the official SDK, for tests
// and benches that go through the real webhook route.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';

const stripe = new Stripe('sk_test_signing_only', { telemetry: false });

/** The payloads kept in the repository (see its README for their source and license). */
export const REFERENCE_EVENTS_DIRECTORY = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'test-data',
  'stripe-events',
);

/** The exact text of a reference event, e.g. `readReferenceEvent('charge_refunded')`. */
export function readReferenceEvent(name: string): string {
  return readFileSync(path.join(REFERENCE_EVENTS_DIRECTORY, `${name}.json`), 'utf8');
}

/** A `Stripe-Signature` header for the payload, made by the SDK. */
export function signPayload(payload: string, secret: string, timestamp?: number): string {
  return stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}

/** A reference event re-issued under a new id (and optionally created time), as text. */
export function reissueEvent(payload: string, id: string, created?: number): string {
  const event = JSON.parse(payload) as Record<string, unknown>;
  return JSON.stringify({ ...event, id, ...(created === undefined ? {} : { created }) }, null, 2);
}
