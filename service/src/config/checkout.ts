// Checkout: where redirect URLs may point, the largest quantity, and copying the catalog from Stripe on start.
import type { httpVariables } from './http.js';
import { booleanFlag, integer, originList, variable, type ParsedVariables } from './variable-spec.js';
import type { NodeEnvValues } from './node-env.js';

/** The example application origin the redirect URLs may always point to when ALLOWED_REDIRECT_ORIGINS is unset. */
const EXAMPLE_APPLICATION_ORIGIN = 'http://localhost:3000';

export const checkoutVariables = {
  ALLOWED_REDIRECT_ORIGINS: variable({
    schema: originList.optional(),
    default: undefined,
    description:
      "Comma-separated origins that `success_url`, `cancel_url` and `return_url` may point to (exact origin match). Unset: `http://localhost:3000`, plus the API itself outside production (`npm start`'s `/dev/` return pages).",
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

type CheckoutValues = ParsedVariables<typeof checkoutVariables> &
  NodeEnvValues &
  Pick<ParsedVariables<typeof httpVariables>, 'PORT' | 'TLS_CERT_FILE'>;

export function toCheckoutConfig(values: CheckoutValues): CheckoutConfig {
  return {
    redirects: { allowedOrigins: allowedRedirectOrigins(values), requireHttps: requiresHttps(values) },
    checkout: { maxQuantity: values.CHECKOUT_MAX_QUANTITY },
    catalog: { syncOnStart: values.CATALOG_SYNC_ON_START },
  };
}

export function findCheckoutProblems(values: CheckoutValues): string[] {
  const insecure = allowedRedirectOrigins(values).filter((origin) => origin.startsWith('http:'));
  if (requiresHttps(values) && insecure.length > 0) {
    return [`ALLOWED_REDIRECT_ORIGINS: ${insecure.join(', ')} is not https (REQUIRE_HTTPS_REDIRECTS is on)`];
  }
  return [];
}

function requiresHttps(values: CheckoutValues): boolean {
  return values.REQUIRE_HTTPS_REDIRECTS ?? values.NODE_ENV === 'production';
}

/**
 * ALLOWED_REDIRECT_ORIGINS, or its default: the example application's origin and, outside production, the API's own
 * origin under both local names (https when it serves TLS), so a checkout created on the defaults can return to the development pages
 * (`src/dev/return-pages.routes.ts`). With PORT=0 the API's port is not known yet, so it is left out.
 */
function allowedRedirectOrigins(values: CheckoutValues): string[] {
  if (values.ALLOWED_REDIRECT_ORIGINS !== undefined) return values.ALLOWED_REDIRECT_ORIGINS;
  if (values.NODE_ENV === 'production' || values.PORT === 0) return [EXAMPLE_APPLICATION_ORIGIN];
  // With TLS_CERT_FILE the API serves HTTPS itself (findHttpProblems insists on TLS_KEY_FILE too).
  const scheme = values.TLS_CERT_FILE === undefined ? 'http' : 'https';
  return [
    EXAMPLE_APPLICATION_ORIGIN,
    `${scheme}://localhost:${values.PORT}`,
    `${scheme}://127.0.0.1:${values.PORT}`,
  ];
}
