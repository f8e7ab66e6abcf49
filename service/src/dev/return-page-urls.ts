// Where the development return pages live (dev/return-pages.routes.ts), and their URLs on the API's default
// address, which the OpenAPI examples use so that "Try it out" in /docs works on `npm start`'s defaults.

export const DEV_SUCCESS_PATH = '/dev/checkout/success';
export const DEV_CANCEL_PATH = '/dev/checkout/cancel';
/** The customer's billing state; the customer portal returns here. */
export const DEV_ACCOUNT_PATH = '/dev/account';
/** Opens the customer portal (creates a portal session and redirects to it). */
export const DEV_PORTAL_PATH = '/dev/portal';

/** The API on `npm start`'s defaults (PORT 8080), as the launcher prints it. */
export const DEFAULT_DEV_ORIGIN = 'http://localhost:8080';

/** The return URLs of a checkout, for an API at `origin`; Stripe replaces {CHECKOUT_SESSION_ID}. */
export function devCheckoutReturnUrls(origin: string): { success_url: string; cancel_url: string } {
  return {
    success_url: `${origin}${DEV_SUCCESS_PATH}?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${origin}${DEV_CANCEL_PATH}`,
  };
}

/** Where the customer portal returns to, for an API at `origin`. */
export function devAccountUrl(origin: string, externalId: string): string {
  return `${origin}${DEV_ACCOUNT_PATH}?customer=${encodeURIComponent(externalId)}`;
}
