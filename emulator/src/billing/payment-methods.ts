// The payment method object: cards and bank debits from test values, attach and detach, customer defaults.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, resourceMissing, StripeError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { customers } from '../resources/customer-object.js';
import { sideData, type StripeObject } from '../core/store.js';
import { cardNumberForToken, findTestCard, INCORRECT_NUMBER, type TestCard } from './test-cards.js';
import { emitOn, clockOfCustomer } from './time.js';

export interface PaymentMethod extends StripeObject {
  object: 'payment_method';
  created: number;
  customer: string | null;
  type: 'card' | 'us_bank_account' | 'sepa_debit' | 'customer_balance';
  metadata: Record<string, string>;
  card?: Record<string, unknown>;
  us_bank_account?: Record<string, unknown>;
  sepa_debit?: Record<string, unknown>;
  billing_details: Record<string, unknown>;
}

/** How a payment method behaves when charged (internal, never rendered). */
export interface PaymentBehaviour {
  card?: TestCard;
  /** Bank debits settle later: `succeeds` or `fails` once processing ends. */
  bankOutcome?: 'succeeds' | 'fails';
  /** Seconds a bank debit stays processing (default: BANK_DEBIT_SETTLE_SECONDS). */
  settleAfterSeconds?: number;
  successfulCharges: number;
}

const behaviourMap = sideData('payment_method_behaviours', () => new Map<string, PaymentBehaviour>());

export function paymentMethods(context: EmulatorContext) {
  return context.state.table<PaymentMethod>('payment_method');
}

export function setPaymentBehaviour(
  context: EmulatorContext,
  paymentMethodId: string,
  behaviour: PaymentBehaviour,
): void {
  behaviourMap(context).set(paymentMethodId, behaviour);
}

export function behaviourOf(context: EmulatorContext, paymentMethodId: string): PaymentBehaviour {
  return behaviourMap(context).get(paymentMethodId) ?? { successfulCharges: 0 };
}

export interface CardInput {
  number: string;
  exp_month?: number;
  exp_year?: number;
  billingDetails?: { email?: string | null; name?: string | null };
}

/** A card payment method from a card number; an invalid number is Stripe's `incorrect_number` card error. */
export function createCardPaymentMethod(
  context: EmulatorContext,
  input: CardInput,
  now: number,
): PaymentMethod {
  const card = findTestCard(input.number);
  if (!card) {
    throw new StripeError(402, 'card_error', INCORRECT_NUMBER.message, {
      code: INCORRECT_NUMBER.code,
      param: 'card[number]',
    });
  }
  const paymentMethod: PaymentMethod = {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: billingDetails(input.billingDetails),
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: card.country,
      display_brand: card.brand,
      exp_month: input.exp_month ?? 12,
      exp_year: input.exp_year ?? new Date(now * 1000).getUTCFullYear() + 3,
      fingerprint: fingerprint(card.number),
      funding: card.funding,
      generated_from: null,
      last4: card.number.slice(-4),
      networks: { available: [card.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: now,
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card',
  };
  paymentMethods(context).insert(paymentMethod);
  behaviourMap(context).set(paymentMethod.id, { card, successfulCharges: 0 });
  return paymentMethod;
}

/**
 * A US bank account (ACH) payment method: charges stay `processing` and settle later, like Stripe's test
 * account numbers 000123456789 (succeeds) and 000111111113 (fails).
 */
export function createBankPaymentMethod(
  context: EmulatorContext,
  accountNumber: string,
  now: number,
): PaymentMethod {
  const outcome = accountNumber === '000111111113' ? 'fails' : 'succeeds';
  const paymentMethod: PaymentMethod = {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: billingDetails(undefined),
    created: now,
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'us_bank_account',
    us_bank_account: {
      account_holder_type: 'individual',
      account_type: 'checking',
      bank_name: 'STRIPE TEST BANK',
      financial_connections_account: null,
      fingerprint: fingerprint(accountNumber),
      last4: accountNumber.slice(-4),
      networks: { preferred: 'ach', supported: ['ach'] },
      routing_number: '110000000',
      status_details: {},
    },
  };
  paymentMethods(context).insert(paymentMethod);
  behaviourMap(context).set(paymentMethod.id, { bankOutcome: outcome, successfulCharges: 0 });
  return paymentMethod;
}

/** A payment method id, or a test token (`pm_card_visa`) which, as on Stripe, mints a new payment method. */
export function resolvePaymentMethod(
  context: EmulatorContext,
  idOrToken: string,
  param: string,
  now: number,
): PaymentMethod {
  const number = cardNumberForToken(idOrToken);
  if (number) return createCardPaymentMethod(context, { number }, now);
  const found = paymentMethods(context).find(idOrToken);
  if (!found) throw resourceMissing('PaymentMethod', idOrToken, param);
  return found;
}

export function attachPaymentMethod(
  context: EmulatorContext,
  paymentMethod: PaymentMethod,
  customerId: string,
): void {
  context.state.table('customer').get(customerId, 'customer');
  if (paymentMethod.customer === customerId) return;
  // Stripe checks a card with its issuer when it is attached: a declining test card fails here already.
  const card = behaviourOf(context, paymentMethod.id).card;
  if (card?.behaviour === 'declines' && card.decline) {
    throw new StripeError(402, 'card_error', card.decline.message, {
      code: card.decline.code,
      decline_code: card.decline.decline_code,
    });
  }
  if (paymentMethod.customer) {
    throw invalidRequest(
      'The payment method you provided has already been attached to a customer.',
      'payment_method',
      'payment_method_already_attached',
    );
  }
  paymentMethod.customer = customerId;
  emitOn(context, clockOfCustomer(context, customerId), 'payment_method.attached', paymentMethod);
}

export function detachPaymentMethod(context: EmulatorContext, paymentMethod: PaymentMethod): void {
  const customerId = paymentMethod.customer;
  if (!customerId) {
    throw invalidRequest(
      'The payment method you provided is not attached to a customer so detachment is impossible.',
      undefined,
      'payment_method_unattached',
    );
  }
  paymentMethod.customer = null;
  const customer = customers(context).find(customerId);
  if (customer?.invoice_settings.default_payment_method === paymentMethod.id) {
    customer.invoice_settings.default_payment_method = null;
  }
  emitOn(context, clockOfCustomer(context, customerId), 'payment_method.detached', paymentMethod, {
    customer: customerId,
  });
}

/** The customer's `invoice_settings.default_payment_method`, null for none (or no such customer). */
export function customerDefaultPaymentMethod(context: EmulatorContext, customerId: string): string | null {
  return customers(context).find(customerId)?.invoice_settings.default_payment_method ?? null;
}

/** Sets `invoice_settings.default_payment_method` on a customer with its `customer.updated` event. */
export function setDefaultPaymentMethod(
  context: EmulatorContext,
  customerId: string,
  paymentMethodId: string,
): void {
  const customer = customers(context).get(customerId, 'customer');
  const before = structuredClone(customer.invoice_settings);
  if (before.default_payment_method === paymentMethodId) return;
  customer.invoice_settings.default_payment_method = paymentMethodId;
  emitOn(context, clockOfCustomer(context, customerId), 'customer.updated', customer, {
    invoice_settings: before,
  });
}

export function recordSuccessfulCharge(context: EmulatorContext, paymentMethodId: string): void {
  const behaviour = behaviourMap(context).get(paymentMethodId);
  if (behaviour) behaviour.successfulCharges += 1;
}

function billingDetails(input: CardInput['billingDetails']): Record<string, unknown> {
  return {
    address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
    email: input?.email ?? null,
    name: input?.name ?? null,
    phone: null,
    tax_id: null,
  };
}

function fingerprint(number: string): string {
  let hash = 0;
  for (const char of number) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `fp${hash.toString(36).padStart(14, '0')}`.slice(0, 16);
}
