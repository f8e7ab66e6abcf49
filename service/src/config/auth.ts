// API keys, customer tokens and rate limits: the development key, the verified-key cache and its last-use
// flushes, the customer-token signing secrets, the limits and their shared Redis.
import { z } from 'zod';
import type { NodeEnvValues } from './node-env.js';
import {
  commaList,
  integer,
  milliseconds,
  optionalUrl,
  variable,
  type ParsedVariables,
} from './variable-spec.js';

/** The fixed development key `npm start` creates and prints; documented, so never valid in production. */
export const DEFAULT_DEV_API_KEY = 'bsk_DevelopmentOnlyKeyNeverUseInProduction0';

export const authVariables = {
  DEV_API_KEY: variable({
    schema: z
      .string()
      .regex(
        /^bsk_(?:test_)?[A-Za-z0-9]{32,}$/,
        'must look like bsk_ or bsk_test_ followed by 32+ letters or digits',
      ),
    default: DEFAULT_DEV_API_KEY,
    description:
      'The API key `npm start` creates (scopes billing, admin) and prints in development, only on its embedded database (never on a `DATABASE_URL` server). Never created in production; setting it there is refused.',
  }),
  API_KEY_CACHE_TTL_MS: variable({
    schema: milliseconds(0),
    default: '10000',
    description:
      'Verified API keys are cached in each process for this long: a revoked key stops working within it (an expired one at once).',
  }),
  API_KEY_LAST_USED_FLUSH_MS: variable({
    schema: milliseconds(10),
    default: '60000',
    description:
      'Each process collects the keys it saw in memory and writes their `last_used_at` in one statement this often (and at shutdown): no write per request.',
  }),
  CUSTOMER_TOKEN_SECRET: variable({
    schema: commaList(z.string().min(32, 'each secret must have at least 32 characters')),
    default: '',
    secret: true,
    description:
      'HMAC secrets of customer-scoped tokens (`POST /v1/customer-tokens`), comma-separated: the first signs, any verifies (list the new one first during a rotation). The same on every replica. Empty: a random secret per process outside production; in production minting answers 503.',
  }),
  RATE_LIMIT_MAX: variable({
    schema: integer(1, 10_000_000),
    default: '1200',
    description: 'Requests per API key per `RATE_LIMIT_WINDOW_MS`; more get 429 with `Retry-After`.',
  }),
  RATE_LIMIT_ANONYMOUS_MAX: variable({
    schema: integer(1, 10_000_000),
    default: '60',
    description: 'Requests per client IP per window to `/v1/` without a valid API key.',
  }),
  RATE_LIMIT_WINDOW_MS: variable({
    schema: milliseconds(1000),
    default: '60000',
    description: 'Window of the rate limits.',
  }),
  REDIS_URL: variable({
    schema: optionalUrl(/^rediss?:$/, 'must be a redis:// or rediss:// URL'),
    default: undefined,
    secret: true,
    description:
      'Redis for the rate limits and the Stripe call budget, shared by every replica. Unset: each process counts on its own (in memory).',
  }),
} as const;

export interface AuthConfig {
  auth: {
    cacheTtlMs: number;
    lastUsedFlushMs: number;
    devApiKey: string;
    /** Empty: none configured (see CUSTOMER_TOKEN_SECRET). */
    customerTokenSecrets: string[];
  };
  rateLimit: { max: number; anonymousMax: number; windowMs: number; redisUrl: string | undefined };
}

type AuthValues = ParsedVariables<typeof authVariables>;

export function toAuthConfig(values: AuthValues): AuthConfig {
  return {
    auth: {
      cacheTtlMs: values.API_KEY_CACHE_TTL_MS,
      lastUsedFlushMs: values.API_KEY_LAST_USED_FLUSH_MS,
      devApiKey: values.DEV_API_KEY,
      customerTokenSecrets: values.CUSTOMER_TOKEN_SECRET,
    },
    rateLimit: {
      max: values.RATE_LIMIT_MAX,
      anonymousMax: values.RATE_LIMIT_ANONYMOUS_MAX,
      windowMs: values.RATE_LIMIT_WINDOW_MS,
      redisUrl: values.REDIS_URL,
    },
  };
}

/** DEV_API_KEY has a default, so the raw environment tells whether someone set it. */
export function findAuthProblems(
  values: NodeEnvValues,
  rawEnvironment: Record<string, string | undefined>,
): string[] {
  if (values.NODE_ENV === 'production' && (rawEnvironment.DEV_API_KEY ?? '').trim() !== '') {
    return ['DEV_API_KEY: the development key is refused when NODE_ENV=production'];
  }
  return [];
}
