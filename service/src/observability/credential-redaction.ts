// What the logger masks in every written line besides the configured secrets: anything shaped like one of our
// API keys or a Stripe secret, restricted or webhook key, and the value of credential-like query parameters
// (a caller who sends `?api_key=…` is refused, but its URL is still logged). Applied to the finished line,
// so no field, message or error text can carry one past it.
export const REDACTED = '[REDACTED]';

// bsk_ (ours), sk_/rk_ test and live keys, whsec_ webhook signing secrets. Publishable keys (pk_) are public.
const keyShapes = /\b(?:bsk_[A-Za-z0-9]{16,}|[sr]k_(?:test|live)_[A-Za-z0-9]{8,}|whsec_[A-Za-z0-9+/=]{8,})/g;

// `?name=value` or `&name=value` up to the next separator, quote, backslash (JSON escapes) or space, for names
// that carry credentials: key, api_key, apikey, api-key, access/refresh/id_token, token, auth, authorization,
// secret, client_secret, password, passwd, pwd, signature, session, session_id.
const credentialParameters =
  /([?&;](?:key|api_key|apikey|api-key|access_token|refresh_token|id_token|token|auth|authorization|secret|client_secret|password|passwd|pwd|signature|session|session_id)=)[^&;#\s"\\]*/gi;

export function redactCredentialShapes(text: string): string {
  return text.replace(keyShapes, REDACTED).replace(credentialParameters, `$1${REDACTED}`);
}
