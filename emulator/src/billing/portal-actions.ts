// What a customer does in the billing portal: cancel, resume, switch plan, change the payment method.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { findPrice } from './line-item-prices.js';
import {
  attachPaymentMethod,
  createCardPaymentMethod,
  setDefaultPaymentMethod,
  type CardInput,
} from './payment-methods.js';
import { portalConfigurations, switchablePrices, type PortalSession } from './portal.js';
import { creditUnusedTime } from './prorations.js';
import { applyItemChanges, changeSubscription } from './subscription-changes.js';
import {
  cancelSubscription,
  scheduleCancellation,
  unscheduleCancellation,
} from './subscription-lifecycle.js';
import { subscriptions, type Subscription } from './subscriptions.js';
import { clockOfCustomer, nowOn } from './time.js';

/*
 * What a customer can do in the billing portal, through the same domain functions the API uses, limited by the
 * session's configuration. Callers run these outside any API request, so their events carry `request.id: null`.
 */

/** The configuration a portal session was created with (it decides which actions are allowed). */
export function portalConfigurationOf(context: EmulatorContext, session: PortalSession) {
  return portalConfigurations(context).get(session.configuration, 'configuration');
}

function customerSubscription(
  context: EmulatorContext,
  session: PortalSession,
  subscriptionId: string,
): Subscription {
  const subscription = subscriptions(context).find(subscriptionId);
  if (!subscription || subscription.customer !== session.customer) {
    throw invalidRequest('This subscription does not belong to you.', 'subscription');
  }
  return subscription;
}

export function cancelFromPortal(
  context: EmulatorContext,
  session: PortalSession,
  subscriptionId: string,
  options: { immediately: boolean; feedback?: string | null },
): Subscription {
  const feature = portalConfigurationOf(context, session).features.subscription_cancel;
  if (!feature.enabled) throw invalidRequest('Cancelling subscriptions is not enabled in this portal.');
  if (options.immediately && feature.mode !== 'immediately')
    throw invalidRequest('This portal cancels at the end of the billing period.');
  const subscription = customerSubscription(context, session, subscriptionId);
  const clock = subscription.test_clock;
  const now = nowOn(context, clock);
  const feedback = feature.cancellation_reason.enabled ? (options.feedback ?? null) : null;
  if (options.immediately) {
    if (feature.proration_behavior !== 'none') creditUnusedTime(context, subscription, clock);
    subscription.cancellation_details.feedback = feedback;
    cancelSubscription(context, subscription, clock, 'cancellation_requested');
    return subscription;
  }
  changeSubscription(context, subscription, clock, () => {
    scheduleCancellation(subscription, now);
    subscription.cancellation_details.feedback = feedback;
    return null;
  });
  return subscription;
}

export function resumeFromPortal(
  context: EmulatorContext,
  session: PortalSession,
  subscriptionId: string,
): Subscription {
  const subscription = customerSubscription(context, session, subscriptionId);
  if (!subscription.cancel_at_period_end && subscription.cancel_at === null) return subscription;
  changeSubscription(context, subscription, subscription.test_clock, () => {
    unscheduleCancellation(subscription);
    return null;
  });
  return subscription;
}

export function switchPlanFromPortal(
  context: EmulatorContext,
  session: PortalSession,
  subscriptionId: string,
  priceId: string,
): Subscription {
  const configuration = portalConfigurationOf(context, session);
  if (!switchablePrices(configuration).includes(priceId))
    throw invalidRequest('This plan is not available in this portal.', 'price');
  const price = findPrice(context, priceId);
  if (!price?.recurring) throw invalidRequest('This plan is not available.', 'price');
  const subscription = customerSubscription(context, session, subscriptionId);
  const item = subscription.items.data[0];
  if (!item) throw invalidRequest('This subscription has no items.');
  if (item.price.id === priceId) return subscription;
  const clock = subscription.test_clock;
  changeSubscription(context, subscription, clock, () =>
    applyItemChanges(context, subscription, [{ id: item.id, price }], {
      prorationBehavior: configuration.features.subscription_update.proration_behavior,
      clock,
    }),
  );
  return subscription;
}

/** A new card becomes the customer's default and the default of their subscriptions that named one. */
export function updatePaymentMethodFromPortal(
  context: EmulatorContext,
  session: PortalSession,
  card: CardInput,
): string {
  if (!portalConfigurationOf(context, session).features.payment_method_update.enabled) {
    throw invalidRequest('Updating payment methods is not enabled in this portal.');
  }
  const customerId = session.customer;
  const paymentMethod = createCardPaymentMethod(
    context,
    card,
    nowOn(context, clockOfCustomer(context, customerId)),
  );
  attachPaymentMethod(context, paymentMethod, customerId);
  setDefaultPaymentMethod(context, customerId, paymentMethod.id);
  for (const subscription of subscriptions(context).list(
    (row) => row.customer === customerId && row.default_payment_method !== null,
  )) {
    if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') continue;
    changeSubscription(context, subscription, subscription.test_clock, () => {
      subscription.default_payment_method = paymentMethod.id;
      return null;
    });
  }
  return paymentMethod.id;
}
