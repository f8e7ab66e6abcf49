// Stripe's webhook signature header and signing secrets.
import { createHmac } from 'node:crypto';
import { newId } from '../core/ids.js';

/**
 * Stripe's webhook signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint
 * secret>`. The emulator signs every attempt with a fresh `t`, as Stripe does, so a redelivery hours after the
 * event was created still passes the receiver's 300-second tolerance.
 */
export function signatureHeader(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

/** A new endpoint signing secret, shaped like Stripe's. */
export function newWebhookSecret(): string {
  return newId('whsec', 32);
}
