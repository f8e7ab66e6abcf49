// Customer balance (bank transfer) payments: a payment intent waits for funds; funding the cash balance pays it.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { sideData, type StripeObject } from '../core/store.js';
import { createCharge } from './charges.js';
import { paymentIntents, type PaymentIntent } from './payment-intents.js';
import { paymentMethods, type PaymentMethod } from './payment-methods.js';
import { clockOfCustomer, emitOn, nowOn } from './time.js';

/** Each customer's cash balance per currency (Stripe's `cash_balance.available`). */
const cashBalances = sideData('customer-balance.cash', () => new Map<string, Record<string, number>>());
/** What is still owed on each waiting customer balance payment intent. */
const remainingByIntent = sideData('customer-balance.remaining', () => new Map<string, number>());

export function createCustomerBalancePaymentMethod(context: EmulatorContext, now: number): PaymentMethod {
  const paymentMethod: PaymentMethod = {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    created: now,
    customer: null,
    customer_account: null,
    customer_balance: {},
    livemode: false,
    metadata: {},
    type: 'customer_balance',
  };
  return paymentMethods(context).insert(paymentMethod);
}

/**
 * Confirming with `customer_balance`: the intent waits for a bank transfer (`requires_action` with the transfer
 * instructions), then takes whatever the customer's cash balance already holds.
 */
export function awaitBankTransfer(context: EmulatorContext, paymentIntent: PaymentIntent): void {
  if (!paymentIntent.customer) {
    throw invalidRequest('A customer is required to use the customer_balance payment method.', 'customer');
  }
  const clock = clockOfCustomer(context, paymentIntent.customer);
  remainingByIntent(context).set(paymentIntent.id, paymentIntent.amount);
  paymentIntent.status = 'requires_action';
  paymentIntent.payment_method_types = ['customer_balance'];
  setInstructions(paymentIntent, paymentIntent.amount);
  emitOn(context, clock, 'payment_intent.requires_action', paymentIntent);
  applyCashBalance(context, paymentIntent.customer, paymentIntent.currency);
}

/** The `fund_cash_balance` test helper: a bank transfer arrives; waiting intents are funded, oldest first. */
export function fundCashBalance(
  context: EmulatorContext,
  customerId: string,
  amount: number,
  currency: string,
  reference: string | null,
): StripeObject {
  const clock = clockOfCustomer(context, customerId);
  const balances = cashBalances(context).get(customerId) ?? {};
  balances[currency] = (balances[currency] ?? 0) + amount;
  cashBalances(context).set(customerId, balances);
  const transaction = {
    id: newId('ccsbtxn'),
    object: 'customer_cash_balance_transaction',
    created: nowOn(context, clock),
    currency,
    customer: customerId,
    customer_account: null,
    ending_balance: balances[currency],
    funded: { bank_transfer: { reference, type: 'jp_bank_transfer' } },
    livemode: false,
    net_amount: amount,
    type: 'funded',
  };
  emitOn(context, clock, 'customer_cash_balance_transaction.created', transaction);
  emitOn(context, clock, 'cash_balance.funds_available', {
    id: `cash_balance_${customerId}`,
    object: 'cash_balance',
    available: { ...balances },
    customer: customerId,
    customer_account: null,
    livemode: false,
    settings: { reconciliation_mode: 'automatic', using_merchant_default: true },
  });
  applyCashBalance(context, customerId, currency);
  return transaction;
}

function applyCashBalance(context: EmulatorContext, customerId: string, currency: string): void {
  const balances = cashBalances(context).get(customerId);
  const clock = clockOfCustomer(context, customerId);
  const waiting = paymentIntents(context)
    .list(
      (row) => row.customer === customerId && row.currency === currency && row.status === 'requires_action',
    )
    .filter((row) => remainingByIntent(context).has(row.id))
    .reverse();
  for (const paymentIntent of waiting) {
    const available = balances?.[currency] ?? 0;
    if (!balances || available <= 0) return;
    const remaining = remainingByIntent(context).get(paymentIntent.id) ?? 0;
    const applied = Math.min(available, remaining);
    balances[currency] = available - applied;
    const left = remaining - applied;
    if (left > 0) {
      remainingByIntent(context).set(paymentIntent.id, left);
      setInstructions(paymentIntent, left);
      emitOn(context, clock, 'payment_intent.partially_funded', paymentIntent);
      continue;
    }
    remainingByIntent(context).delete(paymentIntent.id);
    completeFunded(context, paymentIntent);
  }
}

function completeFunded(context: EmulatorContext, paymentIntent: PaymentIntent): void {
  const clock = clockOfCustomer(context, paymentIntent.customer);
  const paymentMethod = paymentMethods(context).get(paymentIntent.payment_method ?? '', 'payment_method');
  const charge = createCharge(context, {
    amount: paymentIntent.amount,
    currency: paymentIntent.currency,
    customer: paymentIntent.customer,
    description: paymentIntent.description,
    metadata: paymentIntent.metadata,
    paymentIntentId: paymentIntent.id,
    paymentMethod,
    status: 'succeeded',
    receiptEmail: null,
    now: nowOn(context, clock),
  });
  paymentIntent.latest_charge = charge.id;
  paymentIntent.next_action = null;
  paymentIntent.status = 'succeeded';
  paymentIntent.amount_received = paymentIntent.amount;
  emitOn(context, clock, 'charge.succeeded', charge);
  emitOn(context, clock, 'payment_intent.succeeded', paymentIntent);
}

function setInstructions(paymentIntent: PaymentIntent, amountRemaining: number): void {
  paymentIntent.next_action = {
    type: 'display_bank_transfer_instructions',
    display_bank_transfer_instructions: {
      amount_remaining: amountRemaining,
      currency: paymentIntent.currency,
      financial_addresses: [],
      hosted_instructions_url: null,
      reference: paymentIntent.id.slice(-8).toUpperCase(),
      type: 'jp_bank_transfer',
    },
  };
}
