// Completing a checkout session (payment, setup or subscription mode), async payment settling, and expiry.
import type { EmulatorContext } from '../core/context.js';
import { cardDeclined, invalidRequest, missingParam } from '../core/errors.js';
import {
  checkoutSessions,
  customerDetails,
  lineItemsOf,
  settingsOf,
  type CheckoutSession,
} from './checkout-sessions.js';
import {
  confirmPaymentIntent,
  createPaymentIntent,
  paymentIntents,
  type PaymentIntent,
} from './payment-intents.js';
import {
  attachPaymentMethod,
  behaviourOf,
  createBankPaymentMethod,
  createCardPaymentMethod,
  setDefaultPaymentMethod,
  type PaymentMethod,
} from './payment-methods.js';
import { countRedemptions, sessionDiscountRequests } from './checkout-discounts.js';
import { createSubscription } from './subscription-creation.js';
import { customers, insertCustomer, newCustomer } from '../resources/customer-object.js';
import { createSucceededSetupIntent } from './setup-intents.js';
import { emitOn, nowOn, type ClockId } from './time.js';

/** What the customer entered on the hosted page (or a test sends to the completion helper). */
export interface CheckoutPayment {
  card?: { number: string; exp_month?: number; exp_year?: number };
  /** A US bank account number: 000123456789 settles successfully, 000111111113 fails (async payment). */
  bankAccount?: string;
  /** A payment method made beforehand (the payment page's confirm call). */
  paymentMethod?: PaymentMethod;
  email?: string | null;
  name?: string | null;
}

/**
 * Completes an open session as the hosted page does when the customer pays. A decline throws Stripe's card error and
 * leaves the session open (payment mode records the failed payment intent, as Stripe does). Events carry the moment
 * on the session's clock.
 */
export function completeCheckoutSession(
  context: EmulatorContext,
  session: CheckoutSession,
  payment: CheckoutPayment,
): CheckoutSession {
  const settings = settingsOf(context, session.id);
  const clock = settings.clock;
  expireIfDue(context, session);
  if (session.status !== 'open') {
    throw invalidRequest(
      `This Checkout Session is no longer active (status: ${session.status}).`,
      undefined,
      'checkout_session_inactive',
    );
  }
  const email = session.customer_email ?? payment.email ?? customerEmail(context, session.customer);
  if (!session.customer && !email)
    throw invalidRequest('An email address is required.', 'email', 'email_invalid');
  const now = nowOn(context, clock);
  const discountRequests = sessionDiscountRequests(context, session, now);
  const paymentMethod = paymentMethodFrom(context, payment, email, now);
  if (paymentMethod.type !== 'card' && session.mode !== 'payment') {
    throw invalidRequest('The emulator supports bank debits only in payment mode.', 'payment_method');
  }
  const declines = wouldDecline(context, paymentMethod);
  if (declines && session.mode === 'payment') {
    // Stripe records the failed attempt on a payment intent; the session stays open for another card.
    const paymentIntent = paymentIntentFor(context, session, session.customer, clock);
    const outcome = confirmPaymentIntent(context, paymentIntent, paymentMethod, clock, {
      authenticated: true,
    });
    if (outcome.status === 'declined')
      throw cardDeclined(outcome.decline.message, outcome.decline.decline_code, outcome.decline.code);
  }
  if (declines) {
    const decline = behaviourOf(context, paymentMethod.id).card?.decline;
    throw cardDeclined(
      decline?.message ?? 'Your card was declined.',
      decline?.decline_code ?? 'generic_decline',
      decline?.code ?? 'card_declined',
    );
  }
  const customerId = ensureCustomer(context, session, email, payment.name ?? null, clock);
  session.customer_details = customerDetails(email ?? null, payment.name ?? null);

  if (session.mode === 'payment') {
    const paymentIntent = paymentIntentFor(context, session, customerId, clock);
    const outcome = confirmPaymentIntent(context, paymentIntent, paymentMethod, clock, {
      authenticated: true,
    });
    session.status = 'complete';
    session.payment_status = outcome.status === 'succeeded' ? 'paid' : 'unpaid';
    countRedemptions(discountRequests);
  } else if (session.mode === 'subscription') {
    if (!customerId) throw new Error('subscription mode always has a customer');
    attachPaymentMethod(context, paymentMethod, customerId);
    setDefaultPaymentMethod(context, customerId, paymentMethod.id);
    const lines = lineItemsOf(context, session.id);
    const { subscription, invoice } = createSubscription(context, {
      customer: customerId,
      items: lines
        .filter((line) => line.price.recurring)
        .map((line) => ({ price: line.price, quantity: line.quantity })),
      addInvoiceItems: lines
        .filter((line) => !line.price.recurring)
        .map((line) => ({ price: line.price, quantity: line.quantity })),
      trialEnd:
        settings.trialEnd ?? (settings.trialPeriodDays ? now + settings.trialPeriodDays * 86_400 : null),
      defaultPaymentMethod: paymentMethod.id,
      metadata: settings.subscriptionMetadata,
      description: settings.subscriptionDescription,
      cancelAtPeriodEnd: false,
      paymentBehavior: 'allow_incomplete',
      missingPaymentMethodAtTrialEnd: 'create_invoice',
      clock,
      authenticated: true,
      discounts: discountRequests,
      checkoutSession: session.id,
    });
    session.subscription = subscription.id;
    session.invoice = invoice.id;
    session.status = 'complete';
    session.payment_status =
      invoice.amount_due === 0 ? 'no_payment_required' : invoice.status === 'paid' ? 'paid' : 'unpaid';
  } else {
    if (!customerId) throw new Error('setup mode always has a customer');
    attachPaymentMethod(context, paymentMethod, customerId);
    session.setup_intent = createSucceededSetupIntent(context, customerId, paymentMethod, clock);
    session.status = 'complete';
    session.payment_status = 'no_payment_required';
  }
  session.url = null;
  emitOn(context, clock, 'checkout.session.completed', session);
  return session;
}

/** After a bank debit settles: Stripe's `checkout.session.async_payment_succeeded` or `_failed`. */
export function notifyAsyncPaymentSettled(
  context: EmulatorContext,
  paymentIntent: PaymentIntent,
  clock: ClockId,
): void {
  const session = checkoutSessions(context).list((row) => row.payment_intent === paymentIntent.id)[0];
  if (!session || session.status !== 'complete' || session.payment_status !== 'unpaid') return;
  if (paymentIntent.status === 'succeeded') {
    session.payment_status = 'paid';
    emitOn(context, clock, 'checkout.session.async_payment_succeeded', session);
  } else {
    emitOn(context, clock, 'checkout.session.async_payment_failed', session);
  }
}

export function expireCheckoutSession(context: EmulatorContext, session: CheckoutSession): void {
  if (session.status !== 'open') {
    throw invalidRequest(
      `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
      undefined,
      'checkout_session_not_open',
    );
  }
  session.status = 'expired';
  session.url = null;
  emitOn(context, settingsOf(context, session.id).clock, 'checkout.session.expired', session);
}

/** Sessions expire lazily when read, and when the time engine passes `expires_at`. */
export function expireIfDue(context: EmulatorContext, session: CheckoutSession): void {
  if (
    session.status === 'open' &&
    nowOn(context, settingsOf(context, session.id).clock) >= session.expires_at
  ) {
    expireCheckoutSession(context, session);
  }
}

function paymentMethodFrom(
  context: EmulatorContext,
  payment: CheckoutPayment,
  email: string | null,
  now: number,
): PaymentMethod {
  if (payment.paymentMethod) return payment.paymentMethod;
  if (payment.bankAccount) return createBankPaymentMethod(context, payment.bankAccount, now);
  if (!payment.card) throw missingParam('card');
  return createCardPaymentMethod(
    context,
    { ...payment.card, billingDetails: { email, name: payment.name ?? null } },
    now,
  );
}

function wouldDecline(context: EmulatorContext, paymentMethod: PaymentMethod): boolean {
  const card = behaviourOf(context, paymentMethod.id).card;
  return card?.behaviour === 'declines' || card?.behaviour === 'attaches_then_declines';
}

function paymentIntentFor(
  context: EmulatorContext,
  session: CheckoutSession,
  customerId: string | null,
  clock: ClockId,
): PaymentIntent {
  // A session keeps one payment intent across attempts, as on Stripe: after a decline the next card confirms the
  // same intent, so a receiver sees payment_failed and then succeeded for one id.
  const earlier = session.payment_intent ? paymentIntents(context).find(session.payment_intent) : undefined;
  if (earlier?.status === 'requires_payment_method') {
    earlier.customer = customerId ?? earlier.customer;
    return earlier;
  }
  const settings = settingsOf(context, session.id);
  const paymentIntent = createPaymentIntent(context, {
    amount: session.amount_total ?? 0,
    currency: session.currency ?? 'usd',
    customer: customerId,
    description: settings.paymentIntentDescription,
    metadata: settings.paymentIntentMetadata,
    setupFutureUsage: settings.setupFutureUsage,
    clock,
  });
  session.payment_intent = paymentIntent.id;
  return paymentIntent;
}

function ensureCustomer(
  context: EmulatorContext,
  session: CheckoutSession,
  email: string | null,
  name: string | null,
  clock: ClockId,
): string | null {
  if (session.customer) return session.customer;
  if (session.mode === 'payment' && session.customer_creation !== 'always') return null;
  // The customer gets the session's currency: checkout bills it right away, which on Stripe sets the currency.
  const customer = newCustomer({
    created: nowOn(context, clock),
    testClock: clock,
    email,
    name,
    currency: session.currency,
  });
  insertCustomer(context, customer);
  session.customer = customer.id;
  return customer.id;
}

function customerEmail(context: EmulatorContext, customerId: string | null): string | null {
  if (!customerId) return null;
  return customers(context).find(customerId)?.email ?? null;
}
