// What the logger masks in every written line besides the configured secrets: anything shaped like one of our
// API keys or customer tokens, a Stripe secret, restricted or webhook key, a Stripe-Signature's signatures, an
// Authorization value, a card number, and the value of credential-like query parameters (a caller who sends
// `?api_key=…` is refused, but its URL is still logged). Applied to the finished line, so no field, message or
// error text can carry one past it.
export const REDACTED = '[REDACTED]';

// bsk_ (ours, with or without the bsk_test_/bsk_live_ mode prefix), bct_ customer tokens (payload.signature in
// base64url), sk_/rk_ test and live keys, whsec_ webhook signing secrets (Stripe's are base64, ours base64url).
// Publishable keys (pk_) are public. Linear: the optional `.signature` starts with a character the token
// before it cannot hold, so nothing backtracks.
const keyShapes =
  // eslint-disable-next-line security/detect-unsafe-regex
  /\b(?:bsk_(?:test_|live_)?[A-Za-z0-9]{16,}|bct_[A-Za-z0-9_-]{16,}(?:\.[A-Za-z0-9_-]+)?|[sr]k_(?:test|live)_[A-Za-z0-9]{8,}|whsec_[A-Za-z0-9+/=_-]{8,})/g;

// The signatures of a Stripe-Signature (or our outgoing webhooks' signature) header: `v1=<hex>`, `v0=<hex>`.
const signatureValues = /\b(v[01]=)[0-9a-fA-F]{32,}/g;

// The credential of an Authorization value: `Bearer …`, `Basic …` followed by a token of at least 8 characters
// (RFC 7235's token68), so that prose such as "basic plan" stays readable.
const authorizationValues = /\b([Bb]earer|BEARER|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

// `?name=value` or `&name=value` up to the next separator, quote, backslash (JSON escapes) or space, for names
// that carry credentials: key, api_key, apikey, api-key, access/refresh/id_token, token, auth, authorization,
// secret, client_secret, password, passwd, pwd, signature, session, session_id.
const credentialParameters =
  /([?&;](?:key|api_key|apikey|api-key|access_token|refresh_token|id_token|token|auth|authorization|secret|client_secret|password|passwd|pwd|signature|session|session_id)=)[^&;#\s"\\]*/gi;

// A card number: 13 to 19 digits, possibly grouped by single spaces or dashes (also as a URL carries them: `+`,
// `%20`), that passes the Luhn check. Only
// inside JSON strings: a bare JSON number (the line's `time`, a count) is not a card and masking it would break
// the line. The quick test keeps lines without a long digit run (nearly all) from being scanned at all.
const possibleCardNumber = /\d{4}(?:[ +-]|%20)?\d{4}(?:[ +-]|%20)?\d{4}/;
const jsonString = /"(?:[^"\\]|\\.)*"/g;
// Bounded (12 to 18 repeats of one digit, each optionally after one separator that is never a digit): at most
// seven lengths tried per starting digit.
// eslint-disable-next-line security/detect-unsafe-regex
const cardNumberShape = /(?<![\w.-])\d(?:(?:[ +-]|%20)?\d){12,18}(?![\w.-])/g;
const cardSeparators = /[ +-]|%20/g;

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function maskCardNumbers(text: string): string {
  if (!possibleCardNumber.test(text)) return text;
  return text.replace(jsonString, (literal) =>
    literal.replace(cardNumberShape, (candidate) =>
      passesLuhn(candidate.replace(cardSeparators, '')) ? REDACTED : candidate,
    ),
  );
}

export function redactCredentialShapes(text: string): string {
  return maskCardNumbers(
    text
      .replace(keyShapes, REDACTED)
      .replace(signatureValues, `$1${REDACTED}`)
      .replace(authorizationValues, `$1 ${REDACTED}`)
      .replace(credentialParameters, `$1${REDACTED}`),
  );
}
