// Checking the API key of a `/v1/` request as Stripe does.
import { StripeError } from './errors.js';

/**
 * Checks the `Authorization` header of a `/v1/` request the way Stripe does (Bearer or Basic with the key as
 * user name) and returns the key. Any well-formed test-mode secret or restricted key is accepted.
 */
export function apiKeyOf(authorization: string | undefined): string {
  if (!authorization) {
    throw new StripeError(
      401,
      'invalid_request_error',
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    );
  }
  const key = authorization.startsWith('Bearer ')
    ? authorization.slice('Bearer '.length)
    : authorization.startsWith('Basic ')
      ? (Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8').split(':')[0] ?? '')
      : '';
  if (!/^(sk|rk)_test_[A-Za-z0-9_]+$/.test(key)) {
    throw new StripeError(401, 'invalid_request_error', `Invalid API Key provided: ${maskKey(key)}`, {
      code: 'api_key_invalid',
    });
  }
  return key;
}

function maskKey(key: string): string {
  return key.length <= 8
    ? '*'.repeat(key.length)
    : `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
}
