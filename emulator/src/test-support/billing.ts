// Test helpers for billing: recurring prices, customers on test clocks, advancing a test clock.
import type Stripe from 'stripe';

/** A recurring price on a new product (`interval` monthly by default). */
export async function recurringPrice(
  stripe: Stripe,
  unitAmount: number,
  options: { currency?: string; interval?: Stripe.PriceCreateParams.Recurring.Interval; name?: string } = {},
): Promise<Stripe.Price> {
  return stripe.prices.create({
    currency: options.currency ?? 'eur',
    unit_amount: unitAmount,
    recurring: { interval: options.interval ?? 'month' },
    product_data: { name: options.name ?? `Plan ${unitAmount}` },
  });
}

/** A test clock frozen at `frozenTime` and a customer on it, paying with `paymentMethod` (a test token) by default. */
export async function customerOnTestClock(
  stripe: Stripe,
  frozenTime: number,
  paymentMethod = 'pm_card_visa',
): Promise<{ clock: Stripe.TestHelpers.TestClock; customer: Stripe.Customer; paymentMethodId: string }> {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: frozenTime });
  const customer = await stripe.customers.create({ email: 'clock@example.com', test_clock: clock.id });
  const attached = await stripe.paymentMethods.attach(paymentMethod, { customer: customer.id });
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: attached.id } });
  return { clock, customer, paymentMethodId: attached.id };
}

/**
 * Makes the 0341 card (attaches, every charge declines) the customer's default: the renewals of a subscription
 * paid with a good card fail from then on.
 */
export async function switchToFailingCard(stripe: Stripe, customerId: string): Promise<string> {
  const failing = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customerId });
  await stripe.customers.update(customerId, { invoice_settings: { default_payment_method: failing.id } });
  return failing.id;
}

/** Advances a test clock and waits until it is `ready` again, as Stripe integrations poll. */
export async function advanceTestClock(
  stripe: Stripe,
  clockId: string,
  frozenTime: number,
): Promise<Stripe.TestHelpers.TestClock> {
  let clock = await stripe.testHelpers.testClocks.advance(clockId, { frozen_time: frozenTime });
  for (let attempt = 0; attempt < 200 && clock.status === 'advancing'; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    clock = await stripe.testHelpers.testClocks.retrieve(clockId);
  }
  if (clock.status !== 'ready') throw new Error(`test clock ${clockId} ended ${clock.status}`);
  return clock;
}

export const utc = (text: string): number => Math.floor(Date.parse(text) / 1000);
