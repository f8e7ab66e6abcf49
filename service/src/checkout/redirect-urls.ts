// Redirect URLs (success_url, cancel_url, return_url) must lead back to one of ALLOWED_REDIRECT_ORIGINS, or a
// checkout becomes an open redirect. Parsed with WHATWG URL, as browsers do, and compared by exact origin:
// `javascript:` and `data:` have no allowed origin, `//host` is not absolute, `https://shop@evil.example` has
// credentials, and http is refused when https is required. What is forwarded to Stripe is the URL as parsed
// (lower-case host, default port dropped, dot segments resolved, characters percent-encoded as a browser
// would), never the raw string, so Stripe and the browser see the address that was checked.
import { AppError } from '../errors.js';

export interface RedirectPolicy {
  allowedOrigins: readonly string[];
  requireHttps: boolean;
}

const MAX_URL_LENGTH = 2048;

// Stripe replaces {CHECKOUT_SESSION_ID} in success_url; WHATWG URL percent-encodes braces in a path.
const SESSION_ID_PLACEHOLDER = '{CHECKOUT_SESSION_ID}';
const ENCODED_PLACEHOLDER = /%7BCHECKOUT_SESSION_ID%7D/gi;

/** The normalised URL when `value` leads to an allowed origin; throws validation_failed naming `field` otherwise. */
export function checkRedirectUrl(value: string, field: string, policy: RedirectPolicy): string {
  const refuse = (reason: string) => {
    throw new AppError('validation_failed', `${field}: ${reason}`, { param: field });
  };
  if (value.length > MAX_URL_LENGTH) refuse(`must be at most ${MAX_URL_LENGTH} characters`);
  // Control characters are exactly what this check is for.
  // eslint-disable-next-line no-control-regex
  if (value.trim() !== value || /[\u0000-\u001f\u007f\\]/.test(value)) {
    refuse('must not contain spaces, control characters or backslashes');
  }
  if (!URL.canParse(value)) refuse('must be an absolute URL such as https://app.example.com/done');
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse(`scheme ${url.protocol} is not allowed`);
  if (url.username !== '' || url.password !== '') refuse('must not contain credentials (user@host)');
  if (policy.requireHttps && url.protocol !== 'https:') refuse('must use https');
  if (!policy.allowedOrigins.includes(url.origin)) {
    refuse(`origin ${url.origin} is not in ALLOWED_REDIRECT_ORIGINS`);
  }
  const normalised = url.href.replace(ENCODED_PLACEHOLDER, SESSION_ID_PLACEHOLDER);
  if (normalised.length > MAX_URL_LENGTH)
    refuse(`must be at most ${MAX_URL_LENGTH} characters once normalised`);
  return normalised;
}
