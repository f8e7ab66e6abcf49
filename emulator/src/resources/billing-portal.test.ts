// Tests of billing portal configurations, sessions and the actions behind the portal.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { eventMarker, eventsSince } from '../test-support/billing-events.js';
import { recurringPrice } from '../test-support/billing.js';
import { submitForm } from '../test-support/pages.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

async function subscribedCustomer(price: Stripe.Price) {
  const customer = await stripe.customers.create({ email: 'portal@example.com' });
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    default_payment_method: 'pm_card_visa',
  });
  return { customer, subscription };
}

describe('billing portal configurations and sessions', () => {
  it('creates, updates and lists configurations', async () => {
    const basic = await recurringPrice(stripe, 1000, { name: 'Basic' });
    const configuration = await stripe.billingPortal.configurations.create({
      business_profile: { headline: 'Acme billing' },
      default_return_url: 'https://app.example/account',
      features: {
        subscription_cancel: { enabled: true, mode: 'immediately', proration_behavior: 'none' },
        subscription_update: {
          enabled: true,
          default_allowed_updates: ['price'],
          proration_behavior: 'create_prorations',
          products: [{ product: basic.product as string, prices: [basic.id] }],
        },
        payment_method_update: { enabled: true },
        invoice_history: { enabled: true },
      },
    });
    expect(configuration).toMatchObject({
      object: 'billing_portal.configuration',
      is_default: false,
      active: true,
    });
    expect(configuration.features.subscription_cancel.mode).toBe('immediately');
    const updated = await stripe.billingPortal.configurations.update(configuration.id, { active: false });
    expect(updated.active).toBe(false);
    const inactive = await stripe.billingPortal.configurations.list({ active: false });
    expect(inactive.data.map((row) => row.id)).toContain(configuration.id);
    const bad = await stripe.billingPortal.configurations
      .create({
        features: {
          subscription_update: { enabled: true, products: [{ product: 'prod_other', prices: [basic.id] }] },
        },
      })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(bad).toMatchObject({ statusCode: 400 });
  });

  it('creates a session with the default configuration and a hosted url', async () => {
    const customer = await stripe.customers.create({ email: 'p@example.com' });
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: 'https://app.example/account',
    });
    expect(session.url).toBe(`${emulator.url}/portal/${session.id}`);
    const configuration = await stripe.billingPortal.configurations.retrieve(session.configuration as string);
    expect(configuration.is_default).toBe(true);
    const html = await (await fetch(session.url)).text();
    expect(html).toContain('p@example.com');
    expect(html).toContain('https://app.example/account');
  });
});

describe('billing portal actions', () => {
  it('cancels at period end and renews again, with events carrying no request id', async () => {
    const price = await recurringPrice(stripe, 1500, { name: 'Team' });
    const { customer, subscription } = await subscribedCustomer(price);
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id });
    const page = await (await fetch(session.url)).text();
    expect(page).toContain('Team');
    expect(page).toContain('Cancel subscription');
    const marker = eventMarker(emulator);
    const response = await submitForm(`${session.url}/cancel`, { subscription: subscription.id });
    expect(response.status).toBe(303);
    const canceled = await stripe.subscriptions.retrieve(subscription.id);
    expect(canceled).toMatchObject({ cancel_at_period_end: true, status: 'active' });
    const events = eventsSince(emulator, marker);
    expect(events.map((event) => event.type)).toEqual(['customer.subscription.updated']);
    expect(events[0]?.request.id).toBeNull();
    expect(await (await fetch(session.url)).text()).toContain('Cancels on');
    await submitForm(`${session.url}/resume`, { subscription: subscription.id });
    expect((await stripe.subscriptions.retrieve(subscription.id)).cancel_at_period_end).toBe(false);
    const refused = await submitForm(`${session.url}/cancel-now`, { subscription: subscription.id });
    expect(decodeURIComponent(refused.headers.get('location') ?? '')).toContain(
      'error=This portal cancels at the end',
    );
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
  });

  it('switches plan among the configured prices with prorations, and cancels now when allowed', async () => {
    const basic = await recurringPrice(stripe, 1000, { name: 'Basic' });
    const premium = await stripe.prices.create({
      currency: 'eur',
      unit_amount: 3000,
      recurring: { interval: 'month' },
      product: basic.product as string,
    });
    const configuration = await stripe.billingPortal.configurations.create({
      features: {
        subscription_cancel: { enabled: true, mode: 'immediately' },
        subscription_update: {
          enabled: true,
          default_allowed_updates: ['price'],
          proration_behavior: 'always_invoice',
          products: [{ product: basic.product as string, prices: [basic.id, premium.id] }],
        },
      },
    });
    const { customer, subscription } = await subscribedCustomer(basic);
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: configuration.id,
    });
    expect(await (await fetch(session.url)).text()).toContain(premium.id);
    await submitForm(`${session.url}/switch`, { subscription: subscription.id, price: premium.id });
    const switched = await stripe.subscriptions.retrieve(subscription.id);
    expect(switched.items.data[0]?.price.id).toBe(premium.id);
    const prorationInvoice = await stripe.invoices.retrieve(switched.latest_invoice as string);
    expect(prorationInvoice.billing_reason).toBe('subscription_update');
    expect(prorationInvoice.status).toBe('paid');
    const unknown = await submitForm(`${session.url}/switch`, {
      subscription: subscription.id,
      price: 'price_elsewhere',
    });
    expect(unknown.headers.get('location')).toContain('error=');
    await submitForm(`${session.url}/cancel-now`, { subscription: subscription.id });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('canceled');
  });

  it('updates the payment method: new default for the customer and the subscription', async () => {
    const price = await recurringPrice(stripe, 500);
    const { customer, subscription } = await subscribedCustomer(price);
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id });
    await submitForm(`${session.url}/payment-method`, {
      card_number: '5555555555554444',
      card_expiry: '12 / 34',
      card_cvc: '123',
    });
    const updated = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    const paymentMethod = await stripe.paymentMethods.retrieve(
      updated.invoice_settings.default_payment_method as string,
    );
    expect(paymentMethod.card?.brand).toBe('mastercard');
    expect((await stripe.subscriptions.retrieve(subscription.id)).default_payment_method).toBe(
      paymentMethod.id,
    );
  });
});
