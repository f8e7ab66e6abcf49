// The HTML of the development return pages, from what the services answered: the checkout session and what it
// became (order lines or subscription) with the customer's entitlements, the cancel page and the error page.
// Every value is escaped by the `html` template.
import type { CheckoutSessionState } from '../checkout/checkout.service.js';
import type { OrderDetail } from '../orders/orders.service.js';
import type { SubscriptionRecord } from '../subscriptions/subscriptions.service.js';
import { html, page, type SafeHtml } from './html.js';
import {
  dataTable,
  entitlementList,
  formatAmount,
  formatDate,
  portalLink,
  type CurrentEntitlement,
} from './return-pages.sections.js';

/** The catalog's products by id, for their names and features. */
export type ProductsById = Map<string, { name: string; features: string[] }>;

/** What a checkout session became here, once Stripe's webhook has been applied. */
export type Purchase =
  | { kind: 'order'; order: OrderDetail }
  | {
      kind: 'subscription';
      subscription: SubscriptionRecord;
      products: ProductsById;
    }
  | { kind: 'none' };

export interface SuccessView {
  session: CheckoutSessionState;
  purchase: Purchase;
  entitlements: CurrentEntitlement[];
  /** Set while the webhook is awaited: the page reloads itself to this URL. */
  refreshUrl: string | undefined;
  /** The webhook was awaited for as long as the page reloads, without arriving. */
  gaveUpWaiting: boolean;
}

function sessionSection(session: CheckoutSessionState): SafeHtml {
  const headline =
    session.status === 'complete'
      ? session.payment_status === 'unpaid'
        ? 'Checkout complete; the payment is still processing'
        : 'Thank you: checkout complete'
      : session.status === 'open'
        ? 'This checkout is still open: nothing has been paid yet'
        : 'This checkout expired: nothing was charged';
  return html`<section>
    <h1>${headline}</h1>
    <dl data-testid="session">
      <dt>Session</dt>
      <dd>${session.id}</dd>
      <dt>Customer</dt>
      <dd>${session.customer}</dd>
      <dt>Mode</dt>
      <dd>${session.mode}</dd>
      <dt>Status</dt>
      <dd data-testid="session-status">${session.status}</dd>
      <dt>Payment status</dt>
      <dd data-testid="payment-status">${session.payment_status}</dd>
      <dt>Total</dt>
      <dd data-testid="amount-total">${formatAmount(session.amount_total, session.currency)}</dd>
    </dl>
  </section>`;
}

function orderSection(order: OrderDetail): SafeHtml {
  const lines = dataTable(
    [{ label: 'Item' }, { label: 'Qty' }, { label: 'Amount', amount: true }],
    order.items.map((item) => [
      item.description ?? item.stripe_product_id,
      item.quantity,
      formatAmount(item.amount_total, item.currency),
    ]),
    'order-lines',
  );
  return html`<section>
    <h2>Order <span class="muted">${order.id}</span></h2>
    <p>Status: <strong data-testid="order-status">${order.status}</strong></p>
    ${lines}
  </section>`;
}

function subscriptionSection(
  subscription: SubscriptionRecord,
  products: Map<string, { name: string }>,
): SafeHtml {
  const items = dataTable(
    [{ label: 'Product' }, { label: 'Price' }, { label: 'Qty' }],
    subscription.items.map((item) => [
      products.get(item.stripe_product_id)?.name ?? item.stripe_product_id,
      item.stripe_price_id,
      item.quantity,
    ]),
  );
  return html`<section>
    <h2>Subscription <span class="muted">${subscription.stripe_subscription_id}</span></h2>
    <dl data-testid="subscription">
      <dt>Status</dt>
      <dd data-testid="subscription-status">${subscription.status}</dd>
      <dt>Trial ends</dt>
      <dd>${formatDate(subscription.trial_end)}</dd>
      <dt>Current period ends</dt>
      <dd>${formatDate(subscription.current_period_end)}</dd>
      <dt>Cancels at period end</dt>
      <dd>${subscription.cancel_at_period_end ? 'yes' : 'no'}</dd>
    </dl>
    ${items}
  </section>`;
}

export function renderSuccessPage(view: SuccessView): string {
  const { session, purchase } = view;
  const sourceId =
    purchase.kind === 'order'
      ? purchase.order.id
      : purchase.kind === 'subscription'
        ? purchase.subscription.stripe_subscription_id
        : undefined;
  const granted = view.entitlements.filter((entitlement) => entitlement.source?.id === sourceId);
  const waiting =
    view.refreshUrl !== undefined
      ? html`<p class="waiting" data-testid="waiting">
          Waiting for Stripe's webhook to be applied; this page reloads by itself.
        </p>`
      : view.gaveUpWaiting
        ? html`<p class="error" data-testid="waiting">
            Stripe's webhook has not been applied yet: is the worker running (<code>npm start</code> runs
            one)? Reload to look again.
          </p>`
        : html``;
  const body = html`${sessionSection(session)}${waiting}
    ${purchase.kind === 'order' ? orderSection(purchase.order) : html``}
    ${purchase.kind === 'subscription' ? subscriptionSection(purchase.subscription, purchase.products) : html``}
    ${
      sourceId === undefined
        ? html``
        : html`<section>
            <h2>What it granted</h2>
            ${entitlementList(granted, 'granted', 'This purchase grants no features.')}
          </section>`
    }
    <section>
      <h2>Entitlements of ${session.customer} now</h2>
      ${entitlementList(view.entitlements, 'entitlements', 'None yet.')}${portalLink(session.customer)}
    </section>`;
  return page(
    'Checkout result',
    body,
    view.refreshUrl === undefined ? {} : { refreshSeconds: 1, refreshUrl: view.refreshUrl },
  );
}

export function renderCancelPage(): string {
  return page(
    'Checkout canceled',
    html`<section>
      <h1 data-testid="canceled">Checkout canceled: nothing was charged</h1>
      <p>
        The buyer left Stripe's checkout page. The session stays open until it expires: creating a checkout
        again for the same customer and cart hands out the same session (<code>"reused": true</code>).
      </p>
    </section>`,
  );
}

export function renderErrorPage(error: { statusCode: number; code: string; message: string }): string {
  return page(
    'Cannot show this page',
    html`<section>
      <h1>Cannot show this page</h1>
      <p class="error" data-testid="error">
        <strong>${error.statusCode} ${error.code}</strong>: ${error.message}
      </p>
    </section>`,
  );
}
