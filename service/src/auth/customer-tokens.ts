// Customer-scoped tokens for browsers and mobile apps: `bct_<payload>.<signature>`, the payload naming one
// customer and an expiry, signed with HMAC-SHA256 under CUSTOMER_TOKEN_SECRET. Stateless on purpose: minting and
// checking touch no database (a browser may poll entitlements), every replica with the secret accepts them, and
// a short lifetime (15 minutes by default, an hour at most) stands in for revocation. The first secret signs;
// every listed secret verifies, so the secret can be rotated.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.js';

export const DEFAULT_TOKEN_TTL_SECONDS = 900;
export const MAX_TOKEN_TTL_SECONDS = 3600;
const TOKEN_PREFIX = 'bct_';
const tokenFormat = /^bct_([A-Za-z0-9_-]{1,700})\.([A-Za-z0-9_-]{43})$/;

export interface CustomerToken {
  /** The customer's external_id: the only customer this token may act for. */
  customer: string;
  expiresAt: Date;
}

export type CustomerTokenVerification =
  { ok: true; token: CustomerToken } | { ok: false; refusal: 'malformed' | 'bad_signature' | 'expired' };

export type CustomerTokensService = ReturnType<typeof createCustomerTokensService>;

export function isCustomerTokenLike(presented: string): boolean {
  return presented.startsWith(TOKEN_PREFIX);
}

export function createCustomerTokensService(options: {
  /** Empty: none configured. */
  secrets: readonly string[];
  /** Outside production an unconfigured service signs with a random secret of its own (one process only). */
  production: boolean;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  const secrets =
    options.secrets.length > 0 || options.production
      ? options.secrets
      : [randomBytes(32).toString('base64url')];

  const sign = (secret: string, payload: string) =>
    createHmac('sha256', secret).update(payload).digest('base64url');

  return {
    mint(customer: string, ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS): { token: string } & CustomerToken {
      const signingSecret = secrets[0];
      if (signingSecret === undefined) {
        throw new AppError(
          'service_unavailable',
          'Customer tokens are not configured: set CUSTOMER_TOKEN_SECRET',
        );
      }
      const expiresAt = new Date(Math.floor(now() / 1000) * 1000 + ttlSeconds * 1000);
      const payload = Buffer.from(JSON.stringify({ c: customer, exp: expiresAt.getTime() / 1000 })).toString(
        'base64url',
      );
      return { token: `${TOKEN_PREFIX}${payload}.${sign(signingSecret, payload)}`, customer, expiresAt };
    },

    verify(presented: string): CustomerTokenVerification {
      const match = tokenFormat.exec(presented);
      if (match === null) return { ok: false, refusal: 'malformed' };
      const [, payload = '', signature = ''] = match;
      const given = Buffer.from(signature, 'base64url');
      const signedByUs = secrets.some((secret) => {
        const expected = Buffer.from(sign(secret, payload), 'base64url');
        return expected.length === given.length && timingSafeEqual(expected, given);
      });
      if (!signedByUs) return { ok: false, refusal: 'bad_signature' };
      const claims = parseClaims(payload);
      if (claims === undefined) return { ok: false, refusal: 'malformed' };
      if (claims.exp * 1000 <= now()) return { ok: false, refusal: 'expired' };
      return { ok: true, token: { customer: claims.c, expiresAt: new Date(claims.exp * 1000) } };
    },
  };
}

function parseClaims(payload: string): { c: string; exp: number } | undefined {
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null) return undefined;
    const { c, exp } = claims as Record<string, unknown>;
    return typeof c === 'string' && typeof exp === 'number' ? { c, exp } : undefined;
  } catch {
    return undefined;
  }
}
