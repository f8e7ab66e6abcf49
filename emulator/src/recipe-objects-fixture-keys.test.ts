// The objects added for the Stripe CLI's recipes carry the keys of Stripe's samples (fixtures3.json).
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingFixtureKeys } from './test-support/fixture-keys.js';
import { startEmulatorWithClient } from './test-support/sdk.js';

let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

describe('recipe objects carry the keys of Stripe’s samples', () => {
  it('dispute, setup intent, coupon, discount, invoice item, card source, cash balance transaction', async () => {
    const paymentIntent = await stripe.paymentIntents.create({
      amount: 100,
      currency: 'usd',
      payment_method: 'pm_card_createDisputeInquiry',
      confirm: true,
    });
    const [dispute] = (await stripe.disputes.list({ payment_intent: paymentIntent.id })).data;
    expect(missingFixtureKeys('dispute', dispute)).toEqual([]);
    const setupIntent = await stripe.setupIntents.create({ payment_method: 'pm_card_visa', confirm: true });
    expect(missingFixtureKeys('setup_intent', setupIntent)).toEqual([]);
    const coupon = await stripe.coupons.create({ percent_off: 25 });
    expect(missingFixtureKeys('coupon', coupon)).toEqual([]);
    const customer = await stripe.customers.create({ coupon: coupon.id } as Stripe.CustomerCreateParams);
    expect(missingFixtureKeys('discount', customer.discount)).toEqual([]);
    const item = await stripe.invoiceItems.create({ customer: customer.id, amount: 700, currency: 'usd' });
    expect(missingFixtureKeys('invoiceitem', item)).toEqual([]);
    const card = await stripe.customers.createSource(customer.id, { source: 'tok_visa' });
    expect(missingFixtureKeys('card', card)).toEqual([]);
    const funded = await stripe.testHelpers.customers.fundCashBalance(customer.id, {
      amount: 500,
      currency: 'usd',
    });
    // `funded` carries the transfer's reference and type; the sample's EU bank details are not emulated.
    expect(missingFixtureKeys('customer_cash_balance_transaction', funded, ['funded'])).toEqual([]);
  });
});
