// The explicit table of the event types the service applies, each with the effect function it runs (effect
// modules grouped by object: *-effects.ts). Every other type is stored and marked ignored.
import {
  applyPriceEvent,
  applyProductEvent,
  deleteEventPrice,
  deleteEventProduct,
} from './catalog-effects.js';
import { applyChargeDispute } from './charge-dispute-effects.js';
import { applyChargeRefund } from './charge-effects.js';
import {
  applyCheckoutSessionPaymentFailed,
  applyCheckoutSessionPaymentSucceeded,
  completeCheckoutSession,
  expireCheckoutSession,
} from './checkout-session-effects.js';
import { applyCustomerUpdate, deleteEventCustomer } from './customer-effects.js';
import type { EventHandler, HandlerRegistry } from './event-handler.js';
import type { EventEffect, HandlerServices } from './handler-services.js';
import { syncEventInvoice } from './invoice-effects.js';
import { syncEventSubscription } from './subscription-effects.js';

// Each effect has its own Fetched type; the table holds them alike (a handler gets back what its fetch gave).
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one place the Fetched types are erased
type AnyEventEffect = EventEffect<any>;

const effectByEventType: Record<string, AnyEventEffect> = {
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
  // Opened, changed (evidence, under review) and closed (won, lost) alike: the dispute's status is applied.
  'charge.dispute.created': applyChargeDispute,
  'charge.dispute.updated': applyChargeDispute,
  'charge.dispute.closed': applyChargeDispute,
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
    Object.entries(effectByEventType).map(([type, { fetch, apply }]): [string, EventHandler] => {
      const handler: EventHandler = {
        apply: (event, context, fetched) => apply(services, event, context, fetched),
      };
      if (fetch !== undefined) handler.fetch = (event, context) => fetch(services, event, context);
      return [type, handler];
    }),
  );
}
