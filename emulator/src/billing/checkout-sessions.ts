// The checkout session and checkout line item objects, their tables and the session's internal settings.
import type { EmulatorContext } from '../core/context.js';
import { newId } from '../core/ids.js';
import { sideData, type StripeObject } from '../core/store.js';
import { priceSnapshot, productName } from './line-item-prices.js';
import type { Price } from '../resources/price-object.js';

export interface CheckoutSession extends StripeObject {
  object: 'checkout.session';
  mode: 'payment' | 'subscription' | 'setup';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid' | 'no_payment_required';
  amount_subtotal: number | null;
  amount_total: number | null;
  currency: string | null;
  customer: string | null;
  customer_email: string | null;
  customer_creation: 'always' | 'if_required' | null;
  client_reference_id: string | null;
  created: number;
  expires_at: number;
  metadata: Record<string, string>;
  payment_intent: string | null;
  subscription: string | null;
  setup_intent: string | null;
  invoice: string | null;
  success_url: string | null;
  cancel_url: string | null;
  url: string | null;
  [key: string]: unknown;
}

/** A checkout line item (`item`), listed by /v1/checkout/sessions/:id/line_items. */
export interface CheckoutLineItem extends StripeObject {
  object: 'item';
  amount_subtotal: number;
  amount_total: number;
  currency: string;
  description: string;
  price: Price;
  quantity: number;
}

/** What the session was created with that Stripe does not render on the session itself. */
export interface SessionSettings {
  clock: string | null;
  trialPeriodDays: number | null;
  trialEnd: number | null;
  subscriptionMetadata: Record<string, string>;
  subscriptionDescription: string | null;
  paymentIntentMetadata: Record<string, string>;
  paymentIntentDescription: string | null;
  setupFutureUsage: 'on_session' | 'off_session' | null;
}

const lineItemsBySession = sideData('checkout_line_items', () => new Map<string, CheckoutLineItem[]>());
const settingsBySession = sideData('checkout_session_settings', () => new Map<string, SessionSettings>());

export function checkoutSessions(context: EmulatorContext) {
  return context.state.table<CheckoutSession>('checkout.session');
}

export function lineItemsOf(context: EmulatorContext, sessionId: string): CheckoutLineItem[] {
  return lineItemsBySession(context).get(sessionId) ?? [];
}

export function settingsOf(context: EmulatorContext, sessionId: string): SessionSettings {
  const settings = settingsBySession(context).get(sessionId);
  if (!settings) throw new Error(`checkout session ${sessionId} has no settings`);
  return settings;
}

export function storeSessionDetails(
  context: EmulatorContext,
  sessionId: string,
  lineItems: CheckoutLineItem[],
  settings: SessionSettings,
): void {
  lineItemsBySession(context).set(sessionId, lineItems);
  settingsBySession(context).set(sessionId, settings);
}

export function buildLineItem(context: EmulatorContext, price: Price, quantity: number): CheckoutLineItem {
  const amount = (price.unit_amount ?? 0) * quantity;
  return {
    id: newId('li'),
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: price.currency,
    description: productName(context, price.product),
    metadata: {},
    price: priceSnapshot(price),
    quantity,
  };
}

/** A new session in Stripe's shape, before the routes fill in what the request asked for. */
export function newCheckoutSession(
  fields: Partial<CheckoutSession> & Pick<CheckoutSession, 'mode' | 'created' | 'expires_at'>,
): CheckoutSession {
  const id = newId('cs_test', 58);
  return {
    id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: null,
    amount_total: null,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: null,
    client_reference_id: null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    currency: null,
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: null,
    customer_account: null,
    customer_creation: null,
    customer_details: null,
    customer_email: null,
    discounts: [],
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: {},
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'always',
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: 'automatic' } },
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: null,
    total_details: null,
    ui_mode: 'hosted',
    url: null,
    wallet_options: null,
    ...fields,
  };
}

export function customerDetails(email: string | null, name: string | null): Record<string, unknown> {
  return {
    address: null,
    business_name: null,
    email,
    individual_name: null,
    name,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  };
}
