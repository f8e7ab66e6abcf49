// The development account page (/dev/account, where the customer portal returns): the customer's entitlements,
// subscriptions and recent orders, and the link back into the portal.
import type { OrderDetail } from '../orders/orders.service.js';
import type { SubscriptionRecord } from '../subscriptions/subscriptions.service.js';
import { html, page } from './html.js';
import {
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
  const subscriptions = view.subscriptions.map(
    (subscription) =>
      html`<tr>
        <td>${subscription.stripe_subscription_id}</td>
        <td>${subscription.status}</td>
        <td>${subscription.cancel_at_period_end ? 'yes' : 'no'}</td>
        <td>${formatDate(subscription.current_period_end)}</td>
      </tr>`,
  );
  const orders = view.orders.map(
    (order) =>
      html`<tr>
        <td>
          ${order.items.map((item) => `${item.quantity} × ${item.description ?? item.stripe_product_id}`).join(', ')}
        </td>
        <td>${order.status}</td>
        <td class="amount">${formatAmount(order.amount_total, order.currency)}</td>
      </tr>`,
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
        <table data-testid="subscriptions">
          <thead>
            <tr>
              <th>Subscription</th>
              <th>Status</th>
              <th>Cancels at period end</th>
              <th>Period ends</th>
            </tr>
          </thead>
          <tbody>
            ${subscriptions}
          </tbody>
        </table>
      </section>
      <section>
        <h2>Recent orders</h2>
        <table data-testid="orders">
          <thead>
            <tr>
              <th>Items</th>
              <th>Status</th>
              <th class="amount">Total</th>
            </tr>
          </thead>
          <tbody>
            ${orders}
          </tbody>
        </table>
      </section>`,
  );
}
