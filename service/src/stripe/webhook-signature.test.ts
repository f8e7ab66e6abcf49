import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from './webhook-signature.js';

const stripe = new Stripe('sk_test_signature', { telemetry: false });
const secret = 'whsec_current_secret';
const body = Buffer.from('{\n  "id": "evt_1",\n  "object": "event"\n}', 'utf8');
const now = 1_800_000_000;

function signed(options: { secret?: string; timestamp?: number; payload?: Buffer } = {}): string {
  return stripe.webhooks.generateTestHeaderString({
    payload: (options.payload ?? body).toString('utf8'),
    secret: options.secret ?? secret,
    timestamp: options.timestamp ?? now,
  });
}

const verify = (header: string | undefined, secrets: string[] = [secret], payload = body) =>
  verifyWebhookSignature(payload, header, { secrets, toleranceSeconds: 300, nowSeconds: now });

describe('verifyWebhookSignature', () => {
  it("accepts the SDK's own test header for the exact raw body", () => {
    expect(verify(signed())).toEqual({ valid: true, timestamp: now });
  });

  it('accepts an event signed with any of the configured secrets (rotation)', () => {
    expect(verify(signed({ secret: 'whsec_old' }), ['whsec_new', 'whsec_old']).valid).toBe(true);
  });

  it('accepts a header carrying several v1 signatures when one matches', () => {
    const genuine = signed()
      .split(',')
      .find((part) => part.startsWith('v1='));
    expect(verify(`t=${now},v1=${'a'.repeat(64)},${genuine}`).valid).toBe(true);
  });

  it('rejects a missing or empty header', () => {
    expect(verify(undefined)).toEqual({ valid: false, reason: 'missing_signature' });
    expect(verify('')).toEqual({ valid: false, reason: 'missing_signature' });
  });

  it('rejects a header without a timestamp or without a v1 signature', () => {
    expect(verify(`v1=${'a'.repeat(64)}`)).toEqual({ valid: false, reason: 'malformed_signature' });
    expect(verify(`t=${now},v0=${'a'.repeat(64)}`)).toEqual({ valid: false, reason: 'malformed_signature' });
    expect(verify('garbage')).toEqual({ valid: false, reason: 'malformed_signature' });
  });

  it('rejects a signature made with another secret', () => {
    expect(verify(signed({ secret: 'whsec_attacker' }))).toEqual({
      valid: false,
      reason: 'no_matching_signature',
    });
  });

  it('rejects a body changed by one byte', () => {
    const tampered = Buffer.from(body.toString('utf8').replace('evt_1', 'evt_2'), 'utf8');
    expect(verify(signed(), [secret], tampered)).toEqual({ valid: false, reason: 'no_matching_signature' });
  });

  it('rejects a signature older than the tolerance, and accepts one just inside it', () => {
    expect(verify(signed({ timestamp: now - 301 }))).toEqual({
      valid: false,
      reason: 'timestamp_outside_tolerance',
    });
    expect(verify(signed({ timestamp: now - 300 })).valid).toBe(true);
  });

  it('rejects a timestamp more than the tolerance ahead of our clock, and accepts one just inside it', () => {
    expect(verify(signed({ timestamp: now + 301 }))).toEqual({
      valid: false,
      reason: 'timestamp_outside_tolerance',
    });
    expect(verify(signed({ timestamp: now + 300 })).valid).toBe(true);
  });

  it('rejects everything when no secret is configured', () => {
    expect(verify(signed(), [])).toEqual({ valid: false, reason: 'no_secret_configured' });
  });
});
