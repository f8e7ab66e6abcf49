// The preview of a subscription's next invoice (`/v1/invoices/create_preview`, `invoice.upcoming`).
import type { EmulatorContext } from '../core/context.js';
import { newId } from '../core/ids.js';
import { buildInvoice, subscriptionLine, type Invoice, type LineDraft } from './invoices.js';
import { isMetered, usageLines } from './meter-usage.js';
import { addIntervals, periodAround } from './periods.js';
import { takePendingInvoiceItems } from './prorations.js';
import {
  planItemChanges,
  prorationLinesFor,
  type ItemChange,
  type ProrationBehavior,
} from './subscription-changes.js';
import type { Subscription } from './subscriptions.js';
import { nowOn } from './time.js';

/**
 * `POST /v1/invoices/create_preview` for a subscription: the invoice the subscription would get next, with the
 * prorations a proposed `items` change would create at `proration_date`. With `always_invoice` the preview is the
 * invoice the change would bill at once. Nothing is stored.
 */
export function previewSubscriptionInvoice(
  context: EmulatorContext,
  subscription: Subscription,
  options: { changes?: ItemChange[]; prorationDate?: number; prorationBehavior: ProrationBehavior },
): Invoice {
  const clock = subscription.test_clock;
  const now = nowOn(context, clock);
  const pending = takePendingInvoiceItems(context, subscription);
  const plan = options.changes ? planItemChanges(subscription, options.changes) : undefined;
  const prorations =
    plan && options.prorationBehavior !== 'none'
      ? prorationLinesFor(context, subscription, plan, options.prorationDate ?? now)
      : [];
  const first = subscription.items.data[0];
  const recurring = first?.price.recurring;
  const items = plan ? plan.items : subscription.items.data;
  let lines: LineDraft[];
  let period = { start: first?.current_period_start ?? now, end: first?.current_period_end ?? now };
  if (options.prorationBehavior === 'always_invoice' && plan) {
    lines = [...pending, ...prorations];
  } else if (recurring) {
    const next = periodAround(subscription.billing_cycle_anchor, recurring, period.end);
    const nextPeriod = plan?.resetsCycle
      ? { start: now, end: addIntervals(now, items[0]?.price.recurring ?? recurring, 1) }
      : next;
    lines = [
      ...pending,
      ...prorations,
      // Metered items: the usage recorded so far in the current period.
      ...usageLines(context, subscription, period),
      ...items
        .filter((item) => !isMetered(item))
        .map((item) =>
          subscriptionLine(
            context,
            item.price,
            item.quantity,
            nextPeriod,
            subscription.id,
            'id' in item && item.id ? item.id : '',
          ),
        ),
    ];
    if (!plan?.resetsCycle) period = { start: period.start, end: period.end };
  } else {
    lines = [...pending, ...prorations];
  }
  const invoice = buildInvoice(
    context,
    {
      customer: subscription.customer,
      currency: subscription.currency,
      billingReason:
        options.prorationBehavior === 'always_invoice' ? 'subscription_update' : 'subscription_cycle',
      subscription: { id: subscription.id, metadata: subscription.metadata },
      lines,
      periodStart: period.start,
      periodEnd: period.end,
      clock,
    },
    newId('upcoming_in'),
  );
  invoice.next_payment_attempt = options.prorationBehavior === 'always_invoice' ? now : period.end + 3600;
  return invoice;
}
