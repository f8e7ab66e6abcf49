// What every invoice.* event does: the invoice is refetched (order-independent, any API version) into the
// mirror; its subscription is refreshed too, since paying or failing an invoice moves the subscription's status,
// and with it the customer's entitlements. Both are fetched before the transaction, and stored under their locks.
import { subscriptionIdOfInvoice, type FetchedInvoice } from '../../invoices/invoices.service.js';
import type { FetchedSubscription } from '../../subscriptions/subscriptions.service.js';
import { objectIdOf, storeSubscriptionAndEntitlements, type EventEffect } from './handler-services.js';

export const syncEventInvoice: EventEffect<{
  invoice: FetchedInvoice;
  subscription: FetchedSubscription | undefined;
}> = {
  async fetch(services, event, context) {
    const invoice = await services.invoices.fetchInvoice(objectIdOf(event), { final: context.final });
    const subscriptionId = invoice.object === undefined ? null : subscriptionIdOfInvoice(invoice.object);
    const subscription =
      subscriptionId === null
        ? undefined
        : await services.subscriptions.fetchSubscription(subscriptionId, { final: context.final });
    return { invoice, subscription };
  },
  async apply(services, _event, context, fetched) {
    await context.recordEffect('invoice.sync');
    const invoice = await services.invoices.storeInvoice(context.client, fetched.invoice);
    if (invoice?.stripe_subscription_id != null && fetched.subscription !== undefined) {
      await storeSubscriptionAndEntitlements(services, fetched.subscription, context);
    }
  },
};
