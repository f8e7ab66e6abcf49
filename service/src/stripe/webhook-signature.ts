// Verifies Stripe's `Stripe-Signature` header (`t=<unix seconds>,v1=<hex>,v1=…`) over the raw body, as the SDK's
// `webhooks.constructEvent` does, but against several secrets at once (rotation) and without parsing the body:
// HMAC-SHA256 of `${t}.${body}` with each secret, compared in constant time with every v1 of the header.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const signatureFailures = [
  'missing_signature',
  'malformed_signature',
  'timestamp_outside_tolerance',
  'no_matching_signature',
  'no_secret_configured',
] as const;

export type SignatureFailure = (typeof signatureFailures)[number];

export type SignatureCheck = { valid: true; timestamp: number } | { valid: false; reason: SignatureFailure };

export interface SignatureOptions {
  secrets: readonly string[];
  toleranceSeconds: number;
  /** Unix seconds; injectable for tests. */
  nowSeconds?: number;
}

const SHA256_HEX_LENGTH = 64;

export function verifyWebhookSignature(
  rawBody: Buffer,
  header: string | undefined,
  options: SignatureOptions,
): SignatureCheck {
  if (options.secrets.length === 0) return { valid: false, reason: 'no_secret_configured' };
  if (header === undefined || header.length === 0) return { valid: false, reason: 'missing_signature' };

  let timestamp: number | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) continue;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value.length === SHA256_HEX_LENGTH && /^[0-9a-f]+$/i.test(value)) {
      candidates.push(Buffer.from(value, 'hex'));
    }
  }
  if (timestamp === undefined || candidates.length === 0) {
    return { valid: false, reason: 'malformed_signature' };
  }
  // Older than the tolerance is a replay. Unlike the SDK, a timestamp more than the tolerance ahead of our clock is
  // refused too: Stripe signs with its current time, and a far-future one would keep a captured delivery
  // replayable until then. Within the tolerance either way, clock skew is forgiven.
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > options.toleranceSeconds) {
    return { valid: false, reason: 'timestamp_outside_tolerance' };
  }

  const prefix = Buffer.from(`${timestamp}.`, 'utf8');
  for (const secret of options.secrets) {
    const expected = createHmac('sha256', secret).update(prefix).update(rawBody).digest();
    // Every candidate is compared (no early exit on the first byte): timingSafeEqual on equal lengths.
    for (const candidate of candidates) {
      if (timingSafeEqual(expected, candidate)) return { valid: true, timestamp };
    }
  }
  return { valid: false, reason: 'no_matching_signature' };
}
