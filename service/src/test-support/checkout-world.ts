// The checkout test files' shared world: one app against the emulator with strict redirect and quantity settings,
// faults cleared after each test, and helpers that make a fresh buyer and a two-line cart.
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { CANCEL_URL, startSeededTestApp, SUCCESS_URL, type SeededTestApp } from './seeded-test-app.js';

export interface CheckoutSessionAnswer {
  id: string;
  url: string;
  expires_at: string;
  reused: boolean;
}

export interface CheckoutWorld {
  /** The running app; set by the file's beforeAll. */
  readonly app: SeededTestApp;
  /** Creates a customer through our API and returns its external id. */
  newCustomer(): Promise<string>;
  /** A payment-mode cart of two lines with allowed redirect URLs; `overrides` replace any field. */
  cart(customer: string, overrides?: Record<string, unknown>): Record<string, unknown>;
}

/** Registers the file's hooks and returns the world they maintain. Call once, at the top of a describe. */
export function useCheckoutWorld(): CheckoutWorld {
  let app: SeededTestApp | undefined;
  let customerNumber = 0;
  beforeAll(async () => {
    app = await startSeededTestApp({
      REQUIRE_HTTPS_REDIRECTS: 'true',
      CHECKOUT_MAX_QUANTITY: '50',
      STRIPE_TIMEOUT_MS: '300',
    });
  });
  afterEach(() => {
    app?.emulator.faults.clear();
  });
  afterAll(async () => {
    await app?.closeAll();
  });
  const world: CheckoutWorld = {
    get app(): SeededTestApp {
      if (app === undefined) throw new Error('the checkout world is not started yet');
      return app;
    },
    async newCustomer() {
      customerNumber += 1;
      const externalId = `buyer_${customerNumber}`;
      const response = await world.app.call('POST', '/v1/customers', {
        external_id: externalId,
        email: `${externalId}@example.com`,
      });
      expect(response.statusCode).toBe(201);
      return externalId;
    },
    cart: (customer, overrides = {}) => ({
      customer,
      mode: 'payment',
      items: [
        { lookup_key: 'coffee_beans', quantity: 2 },
        { lookup_key: 'mug', quantity: 1 },
      ],
      success_url: SUCCESS_URL,
      cancel_url: CANCEL_URL,
      ...overrides,
    }),
  };
  return world;
}
