// invoice.payment_failed: the invoice is refetched under its lock (order-independent, any API version) into the mirror;
// its subscription is refreshed too, since paying or failing an invoice moves the subscription's status.
import type { EventHandler } from './event-handler.js';
import { applyInvoiceEvent } from './invoice-effects.js';
import type { HandlerServices } from './handler-services.js';

export function createInvoicePaymentFailedHandler(services: HandlerServices): EventHandler {
  return (event, context) => applyInvoiceEvent(services, event, context);
}
