// The explicit list of event types the service applies, each with its handler module. Every other type is
// stored and marked ignored.
import { createChargeDisputeHandler } from './charge-dispute-effects.js';
import { createChargeRefundedHandler } from './charge.refunded.js';
import { createCheckoutSessionAsyncPaymentFailedHandler } from './checkout.session.async_payment_failed.js';
import { createCheckoutSessionAsyncPaymentSucceededHandler } from './checkout.session.async_payment_succeeded.js';
import { createCheckoutSessionCompletedHandler } from './checkout.session.completed.js';
import { createCheckoutSessionExpiredHandler } from './checkout.session.expired.js';
import { createCustomerDeletedHandler } from './customer.deleted.js';
import { createSubscriptionCreatedHandler } from './customer.subscription.created.js';
import { createSubscriptionDeletedHandler } from './customer.subscription.deleted.js';
import { createSubscriptionPausedHandler } from './customer.subscription.paused.js';
import { createSubscriptionResumedHandler } from './customer.subscription.resumed.js';
import { createSubscriptionTrialWillEndHandler } from './customer.subscription.trial_will_end.js';
import { createSubscriptionUpdatedHandler } from './customer.subscription.updated.js';
import { createCustomerUpdatedHandler } from './customer.updated.js';
import type { EventHandler, HandlerRegistry } from './event-handler.js';
import type { HandlerServices } from './handler-services.js';
import { createInvoiceFinalizedHandler } from './invoice.finalized.js';
import { createInvoicePaidHandler } from './invoice.paid.js';
import { createInvoicePaymentActionRequiredHandler } from './invoice.payment_action_required.js';
import { createInvoicePaymentFailedHandler } from './invoice.payment_failed.js';
import { createPriceCreatedHandler } from './price.created.js';
import { createPriceDeletedHandler } from './price.deleted.js';
import { createPriceUpdatedHandler } from './price.updated.js';
import { createProductCreatedHandler } from './product.created.js';
import { createProductDeletedHandler } from './product.deleted.js';
import { createProductUpdatedHandler } from './product.updated.js';

const handlerFactories: Record<string, (services: HandlerServices) => EventHandler> = {
  'checkout.session.completed': createCheckoutSessionCompletedHandler,
  'checkout.session.async_payment_succeeded': createCheckoutSessionAsyncPaymentSucceededHandler,
  'checkout.session.async_payment_failed': createCheckoutSessionAsyncPaymentFailedHandler,
  'checkout.session.expired': createCheckoutSessionExpiredHandler,
  'customer.subscription.created': createSubscriptionCreatedHandler,
  'customer.subscription.updated': createSubscriptionUpdatedHandler,
  'customer.subscription.deleted': createSubscriptionDeletedHandler,
  'customer.subscription.paused': createSubscriptionPausedHandler,
  'customer.subscription.resumed': createSubscriptionResumedHandler,
  'customer.subscription.trial_will_end': createSubscriptionTrialWillEndHandler,
  'invoice.paid': createInvoicePaidHandler,
  'invoice.payment_failed': createInvoicePaymentFailedHandler,
  'invoice.finalized': createInvoiceFinalizedHandler,
  'invoice.payment_action_required': createInvoicePaymentActionRequiredHandler,
  'charge.refunded': createChargeRefundedHandler,
  // Opened, changed (evidence, under review) and closed (won, lost) alike: the dispute's status is applied.
  'charge.dispute.created': createChargeDisputeHandler,
  'charge.dispute.updated': createChargeDisputeHandler,
  'charge.dispute.closed': createChargeDisputeHandler,
  'product.created': createProductCreatedHandler,
  'product.updated': createProductUpdatedHandler,
  'product.deleted': createProductDeletedHandler,
  'price.created': createPriceCreatedHandler,
  'price.updated': createPriceUpdatedHandler,
  'price.deleted': createPriceDeletedHandler,
  'customer.updated': createCustomerUpdatedHandler,
  'customer.deleted': createCustomerDeletedHandler,
};

export const HANDLED_EVENT_TYPES = Object.keys(handlerFactories);

export function createHandlerRegistry(services: HandlerServices): HandlerRegistry {
  return new Map(Object.entries(handlerFactories).map(([type, create]) => [type, create(services)]));
}
