// SetupIntents: saving a payment method for later (create, confirm with a test card's outcome, cancel), with their events.
import type { EmulatorContext } from '../core/context.js';
import { StripeError } from '../core/errors.js';
import { newClientSecret, newId } from '../core/ids.js';
import type { StripeObject } from '../core/store.js';
import { attachPaymentMethod, behaviourOf, type PaymentMethod } from './payment-methods.js';
import { emitOn, nowOn, type ClockId } from './time.js';

export interface SetupIntent extends StripeObject {
  object: 'setup_intent';
  created: number;
  customer: string | null;
  description: string | null;
  last_setup_error: Record<string, unknown> | null;
  metadata: Record<string, string>;
  next_action: Record<string, unknown> | null;
  payment_method: string | null;
  payment_method_types: string[];
  status:
    | 'requires_payment_method'
    | 'requires_confirmation'
    | 'requires_action'
    | 'processing'
    | 'succeeded'
    | 'canceled';
  usage: 'off_session' | 'on_session';
  [key: string]: unknown;
}

export function setupIntents(context: EmulatorContext) {
  return context.state.table<SetupIntent>('setup_intent');
}

export interface SetupIntentInput {
  customer: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  paymentMethod?: string | null;
  paymentMethodTypes?: string[];
  usage?: 'off_session' | 'on_session';
  clock: ClockId;
}

export function createSetupIntent(context: EmulatorContext, input: SetupIntentInput): SetupIntent {
  const id = newId('seti');
  const setupIntent: SetupIntent = {
    id,
    object: 'setup_intent',
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    client_secret: newClientSecret(id),
    created: nowOn(context, input.clock),
    customer: input.customer,
    customer_account: null,
    description: input.description ?? null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: { ...(input.metadata ?? {}) },
    next_action: null,
    on_behalf_of: null,
    payment_method: input.paymentMethod ?? null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: input.paymentMethodTypes ?? ['card'],
    single_use_mandate: null,
    status: input.paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
    usage: input.usage ?? 'off_session',
  };
  setupIntents(context).insert(setupIntent);
  emitOn(context, input.clock, 'setup_intent.created', setupIntent);
  return setupIntent;
}

/**
 * Confirms with a payment method as Stripe's test cards behave: a declining card fails the setup (402
 * `card_error` naming the setup intent, `setup_intent.setup_failed`), a 3D Secure card needs the customer
 * (`requires_action`), any other card succeeds and is attached to the intent's customer.
 */
export function confirmSetupIntent(
  context: EmulatorContext,
  setupIntent: SetupIntent,
  paymentMethod: PaymentMethod,
  clock: ClockId,
  options: { authenticated?: boolean } = {},
): void {
  const card = behaviourOf(context, paymentMethod.id).card;
  setupIntent.payment_method = paymentMethod.id;
  setupIntent.last_setup_error = null;
  setupIntent.next_action = null;
  if (card?.behaviour === 'declines' && card.decline) {
    setupIntent.status = 'requires_payment_method';
    setupIntent.payment_method = null;
    const error = {
      code: card.decline.code,
      decline_code: card.decline.decline_code,
      doc_url: `https://stripe.com/docs/error-codes/${card.decline.code.replace(/_/g, '-')}`,
      message: card.decline.message,
    };
    setupIntent.last_setup_error = {
      type: 'card_error',
      ...error,
      payment_method: structuredClone(paymentMethod),
    };
    emitOn(context, clock, 'setup_intent.setup_failed', setupIntent);
    throw new StripeError(402, 'card_error', error.message, {
      ...error,
      setup_intent: structuredClone(setupIntent),
    });
  }
  if (card?.behaviour === 'requires_action' && !options.authenticated) {
    setupIntent.status = 'requires_action';
    setupIntent.next_action = { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } };
    emitOn(context, clock, 'setup_intent.requires_action', setupIntent);
    return;
  }
  if (setupIntent.customer && paymentMethod.customer !== setupIntent.customer) {
    attachPaymentMethod(context, paymentMethod, setupIntent.customer);
  }
  setupIntent.status = 'succeeded';
  emitOn(context, clock, 'setup_intent.succeeded', setupIntent);
}

export function cancelSetupIntent(
  context: EmulatorContext,
  setupIntent: SetupIntent,
  reason: string | null,
  clock: ClockId,
): void {
  setupIntent.status = 'canceled';
  setupIntent.cancellation_reason = reason;
  setupIntent.next_action = null;
  emitOn(context, clock, 'setup_intent.canceled', setupIntent);
}

/**
 * The setup intent a setup mode checkout session leaves behind: created and confirmed with the card the customer
 * entered (already attached to them).
 */
export function createSucceededSetupIntent(
  context: EmulatorContext,
  customerId: string,
  paymentMethod: PaymentMethod,
  clock: ClockId,
): string {
  const setupIntent = createSetupIntent(context, { customer: customerId, clock });
  confirmSetupIntent(context, setupIntent, paymentMethod, clock, { authenticated: true });
  return setupIntent.id;
}
