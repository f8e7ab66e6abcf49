// Checkout: where redirect URLs may point, the largest quantity, and copying the catalog from Stripe on start.
import { booleanFlag, integer, originList, variable, type ParsedVariables } from './variable-spec.js';
import type { NodeEnvValues } from './node-env.js';

export const checkoutVariables = {
  ALLOWED_REDIRECT_ORIGINS: variable({
    schema: originList,
    default: 'http://localhost:3000',
    description:
      'Comma-separated origins that `success_url`, `cancel_url` and `return_url` may point to (exact origin match).',
  }),
  REQUIRE_HTTPS_REDIRECTS: variable({
    schema: booleanFlag.optional(),
    default: undefined,
    description: 'Refuse http:// redirect URLs. Unset: true when NODE_ENV=production, false otherwise.',
  }),
  CHECKOUT_MAX_QUANTITY: variable({
    schema: integer(1, 999_999),
    default: '1000',
    description: 'Largest quantity of one checkout item.',
  }),
  CATALOG_SYNC_ON_START: variable({
    schema: booleanFlag,
    default: 'true',
    description:
      'Copy products and prices from Stripe when the API starts (a failure is logged, not fatal; `POST /v1/catalog/sync` runs it on demand).',
  }),
} as const;

export interface CheckoutConfig {
  redirects: { allowedOrigins: string[]; requireHttps: boolean };
  checkout: { maxQuantity: number };
  catalog: { syncOnStart: boolean };
}

type CheckoutValues = ParsedVariables<typeof checkoutVariables> & NodeEnvValues;

export function toCheckoutConfig(values: CheckoutValues): CheckoutConfig {
  return {
    redirects: { allowedOrigins: values.ALLOWED_REDIRECT_ORIGINS, requireHttps: requiresHttps(values) },
    checkout: { maxQuantity: values.CHECKOUT_MAX_QUANTITY },
    catalog: { syncOnStart: values.CATALOG_SYNC_ON_START },
  };
}

export function findCheckoutProblems(values: CheckoutValues): string[] {
  const insecure = values.ALLOWED_REDIRECT_ORIGINS.filter((origin) => origin.startsWith('http:'));
  if (requiresHttps(values) && insecure.length > 0) {
    return [`ALLOWED_REDIRECT_ORIGINS: ${insecure.join(', ')} is not https (REQUIRE_HTTPS_REDIRECTS is on)`];
  }
  return [];
}

function requiresHttps(values: CheckoutValues): boolean {
  return values.REQUIRE_HTTPS_REDIRECTS ?? values.NODE_ENV === 'production';
}
