// The explicit table of the event types the service applies, each with the effect function it runs (effect
// modules grouped by object: *-effects.ts). Every other type is stored and marked ignored.
import {
  applyPriceEvent,
  applyProductEvent,
  deleteEventPrice,
  deleteEventProduct,
} from './catalog-effects.js';
import { applyChargeRefund } from './charge-effects.js';
import {
  applyCheckoutSessionPaymentFailed,
  applyCheckoutSessionPaymentSucceeded,
  completeCheckoutSession,
  expireCheckoutSession,
} from './checkout-session-effects.js';
import { applyCustomerUpdate, deleteEventCustomer } from './customer-effects.js';
import type { HandlerRegistry } from './event-handler.js';
import type { EventEffect, HandlerServices } from './handler-services.js';
import { syncEventInvoice } from './invoice-effects.js';
import { syncEventSubscription } from './subscription-effects.js';

const effectByEventType: Record<string, EventEffect> = {
  'checkout.session.completed': completeCheckoutSession,
  'checkout.session.async_payment_succeeded': applyCheckoutSessionPaymentSucceeded,
  'checkout.session.async_payment_failed': applyCheckoutSessionPaymentFailed,
  'checkout.session.expired': expireCheckoutSession,
  'customer.subscription.created': syncEventSubscription,
  'customer.subscription.updated': syncEventSubscription,
  'customer.subscription.deleted': syncEventSubscription,
  'customer.subscription.paused': syncEventSubscription,
  'customer.subscription.resumed': syncEventSubscription,
  'customer.subscription.trial_will_end': syncEventSubscription,
  'invoice.paid': syncEventInvoice,
  'invoice.payment_failed': syncEventInvoice,
  'invoice.finalized': syncEventInvoice,
  'invoice.payment_action_required': syncEventInvoice,
  'charge.refunded': applyChargeRefund,
  'product.created': applyProductEvent,
  'product.updated': applyProductEvent,
  'product.deleted': deleteEventProduct,
  'price.created': applyPriceEvent,
  'price.updated': applyPriceEvent,
  'price.deleted': deleteEventPrice,
  'customer.updated': applyCustomerUpdate,
  'customer.deleted': deleteEventCustomer,
};

export const HANDLED_EVENT_TYPES = Object.keys(effectByEventType);

/** Each effect bound to the services it applies the event through. */
export function createHandlerRegistry(services: HandlerServices): HandlerRegistry {
  return new Map(
    Object.entries(effectByEventType).map(([type, effect]) => [
      type,
      (event, context) => effect(services, event, context),
    ]),
  );
}
