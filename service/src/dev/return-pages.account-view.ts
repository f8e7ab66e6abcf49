// The development account page (/dev/account, where the customer portal returns): the customer's entitlements,
// subscriptions and recent orders, and the link back into the portal.
import type { OrderDetail } from '../orders/orders.service.js';
import type { SubscriptionRecord } from '../subscriptions/subscriptions.service.js';
import { html, page } from './html.js';
import {
  dataTable,
  entitlementList,
  formatAmount,
  formatDate,
  portalLink,
  type CurrentEntitlement,
} from './return-pages.sections.js';

export interface AccountView {
  externalId: string;
  entitlements: CurrentEntitlement[];
  subscriptions: SubscriptionRecord[];
  orders: OrderDetail[];
}

export function renderAccountPage(view: AccountView): string {
  const subscriptions = dataTable(
    [
      { label: 'Subscription' },
      { label: 'Status' },
      { label: 'Cancels at period end' },
      { label: 'Period ends' },
    ],
    view.subscriptions.map((subscription) => [
      subscription.stripe_subscription_id,
      subscription.status,
      subscription.cancel_at_period_end ? 'yes' : 'no',
      formatDate(subscription.current_period_end),
    ]),
    'subscriptions',
  );
  const orders = dataTable(
    [{ label: 'Items' }, { label: 'Status' }, { label: 'Total', amount: true }],
    view.orders.map((order) => [
      order.items
        .map((item) => `${item.quantity} × ${item.description ?? item.stripe_product_id}`)
        .join(', '),
      order.status,
      formatAmount(order.amount_total, order.currency),
    ]),
    'orders',
  );
  return page(
    `Account of ${view.externalId}`,
    html`<section>
        <h1>Account of ${view.externalId}</h1>
        <h2>Entitlements</h2>
        ${entitlementList(view.entitlements, 'entitlements', 'None.')}${portalLink(view.externalId)}
      </section>
      <section>
        <h2>Subscriptions</h2>
        ${subscriptions}
      </section>
      <section>
        <h2>Recent orders</h2>
        ${orders}
      </section>`,
  );
}
