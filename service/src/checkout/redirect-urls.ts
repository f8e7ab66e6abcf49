// Redirect URLs (success_url, cancel_url, return_url) must lead back to one of ALLOWED_REDIRECT_ORIGINS, or a
// checkout becomes an open redirect. Parsed with WHATWG URL, as browsers do, and compared by exact origin:
// `javascript:` and `data:` have no allowed origin, `//host` is not absolute, `https://shop@evil.example` has
// credentials, and http is refused when https is required.
import { AppError } from '../errors.js';

export interface RedirectPolicy {
  allowedOrigins: readonly string[];
  requireHttps: boolean;
}

const MAX_URL_LENGTH = 2048;

export function checkRedirectUrl(value: string, field: string, policy: RedirectPolicy): void {
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
}
