// The billing portal page at a portal session's `url`, with the actions its configuration allows.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { productName } from '../billing/line-item-prices.js';
import { invoices } from '../billing/invoices.js';
import {
  cancelFromPortal,
  portalConfigurationOf,
  resumeFromPortal,
  switchPlanFromPortal,
  updatePaymentMethodFromPortal,
} from '../billing/portal-actions.js';
import {
  portalSessions,
  switchablePrices,
  type PortalConfiguration,
  type PortalSession,
} from '../billing/portal.js';
import { subscriptions, type Subscription } from '../billing/subscriptions.js';
import { findPrice } from '../billing/line-item-prices.js';
import { customerDefaultPaymentMethod, paymentMethods } from '../billing/payment-methods.js';
import type { EmulatorContext } from '../core/context.js';
import { StripeError } from '../core/errors.js';
import { runOutsideRequest } from '../core/request-context.js';
import { formatMoney } from '../core/money.js';
import { customers, type Customer } from '../resources/customer-object.js';
import { escapeHtml, formatDate, messagePage, page } from './html.js';

type ActionBody = Record<string, string | undefined>;

/**
 * The billing portal page at the portal session's `url`: the customer's subscriptions with the actions the
 * configuration allows. Every action posts, runs the shared domain function and redirects back (post/redirect/get).
 */
export function registerPortalPage(app: FastifyInstance, context: EmulatorContext): void {
  app.get<{ Params: { id: string }; Querystring: { notice?: string; error?: string } }>(
    '/portal/:id',
    async (request, reply) => {
      const session = portalSessions(context).find(request.params.id);
      if (!session)
        return sendHtml(reply, 404, messagePage('Portal link not valid', 'Ask for a new link from the app.'));
      return sendHtml(reply, 200, renderPortal(context, session, request.query.notice, request.query.error));
    },
  );

  app.post<{ Params: { id: string; action: string }; Body: ActionBody }>(
    '/portal/:id/:action',
    async (request, reply) => {
      const session = portalSessions(context).find(request.params.id);
      if (!session)
        return sendHtml(reply, 404, messagePage('Portal link not valid', 'Ask for a new link from the app.'));
      const body = request.body ?? {};
      const subscriptionId = body.subscription ?? '';
      try {
        const notice = runOutsideRequest(() => {
          switch (request.params.action) {
            case 'cancel':
              cancelFromPortal(context, session, subscriptionId, {
                immediately: false,
                feedback: body.feedback ?? null,
              });
              return 'Your subscription will be canceled at the end of the billing period.';
            case 'cancel-now':
              cancelFromPortal(context, session, subscriptionId, {
                immediately: true,
                feedback: body.feedback ?? null,
              });
              return 'Your subscription has been canceled.';
            case 'resume':
              resumeFromPortal(context, session, subscriptionId);
              return 'Your subscription will continue.';
            case 'switch':
              switchPlanFromPortal(context, session, subscriptionId, body.price ?? '');
              return 'Your plan has been updated.';
            case 'payment-method':
              updatePaymentMethodFromPortal(context, session, cardFrom(body));
              return 'Your payment method has been updated.';
            default:
              throw new StripeError(404, 'invalid_request_error', 'Unknown portal action.');
          }
        });
        return reply.redirect(`/portal/${session.id}?notice=${encodeURIComponent(notice)}`, 303);
      } catch (error) {
        if (!(error instanceof StripeError)) throw error;
        return reply.redirect(`/portal/${session.id}?error=${encodeURIComponent(error.message)}`, 303);
      }
    },
  );
}

function cardFrom(body: ActionBody) {
  const match = /^\s*(\d{1,2})\s*\/\s*(\d{2,4})\s*$/.exec(body.card_expiry ?? '');
  const year = match?.[2] ? Number(match[2].length === 2 ? `20${match[2]}` : match[2]) : undefined;
  return {
    number: body.card_number ?? '',
    ...(match ? { exp_month: Number(match[1]), ...(year ? { exp_year: year } : {}) } : {}),
  };
}

function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(html);
}

function renderPortal(
  context: EmulatorContext,
  session: PortalSession,
  notice?: string,
  error?: string,
): string {
  const configuration = portalConfigurationOf(context, session);
  const customer = customers(context).find(session.customer);
  const owned = subscriptions(context).list(
    (row) =>
      row.customer === session.customer && row.status !== 'canceled' && row.status !== 'incomplete_expired',
  );
  const headline = configuration.business_profile.headline ?? 'Manage your billing';
  const back = session.return_url
    ? `<a class="button secondary" href="${escapeHtml(session.return_url)}">← Return</a>`
    : '';
  const subscriptionsHtml = owned.length
    ? owned.map((subscription) => renderSubscription(context, session, configuration, subscription)).join('')
    : '<p class="muted">You have no active subscriptions.</p>';
  return page(
    'Billing portal — Stripe Emulator',
    `<section><span class="badge test">Test mode</span><h1>${escapeHtml(headline)}</h1>
<p class="muted">${escapeHtml(customerLabel(customer, session.customer))}</p>${back}
${notice ? `<p class="notice" role="status">${escapeHtml(notice)}</p>` : ''}${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}</section>
<section aria-labelledby="subscriptions"><h2 id="subscriptions">Subscriptions</h2>${subscriptionsHtml}</section>
${configuration.features.payment_method_update.enabled ? renderPaymentMethod(context, session) : ''}
${configuration.features.invoice_history.enabled ? renderInvoices(context, session) : ''}`,
  );
}

function renderSubscription(
  context: EmulatorContext,
  session: PortalSession,
  configuration: PortalConfiguration,
  subscription: Subscription,
): string {
  const item = subscription.items.data[0];
  if (!item) return '';
  const plan = productName(context, item.price.product);
  const interval = item.price.recurring?.interval ?? 'month';
  const hidden = `<input type="hidden" name="subscription" value="${escapeHtml(subscription.id)}">`;
  const action = (name: string, label: string, style = 'secondary', extra = '') =>
    `<form method="post" action="/portal/${escapeHtml(session.id)}/${name}">${hidden}${extra}<button class="${style}" type="submit">${escapeHtml(label)}</button></form>`;
  const cancelFeature = configuration.features.subscription_cancel;
  const actions: string[] = [];
  const cancelScheduled = subscription.cancel_at_period_end || subscription.cancel_at !== null;
  if (cancelScheduled) actions.push(action('resume', 'Renew subscription', ''));
  else if (cancelFeature.enabled) {
    if (cancelFeature.mode === 'immediately')
      actions.push(action('cancel-now', 'Cancel subscription now', 'danger'));
    else actions.push(action('cancel', 'Cancel subscription', 'danger'));
  }
  let switchForm = '';
  const prices = switchablePrices(configuration).filter((priceId) => priceId !== item.price.id);
  if (prices.length > 0 && !cancelScheduled) {
    const options = prices
      .map((priceId) => {
        const price = findPrice(context, priceId);
        if (!price) return '';
        const label = `${productName(context, price.product)} — ${formatMoney(price.unit_amount ?? 0, price.currency)} / ${price.recurring?.interval ?? 'month'}`;
        return `<option value="${escapeHtml(price.id)}">${escapeHtml(label)}</option>`;
      })
      .join('');
    const select = `<label for="price-${escapeHtml(subscription.id)}">Switch plan</label><select id="price-${escapeHtml(subscription.id)}" name="price">${options}</select>`;
    switchForm = `<div class="actions">${action('switch', 'Update plan', '', `<div>${select}</div>`)}</div>`;
  }
  const notice = cancelScheduled
    ? `<p class="error" role="status">Cancels on ${escapeHtml(formatDate(subscription.cancel_at ?? item.current_period_end))}</p>`
    : '';
  return `<div class="subscription" data-subscription="${escapeHtml(subscription.id)}">
<h2>${escapeHtml(plan)} <span class="badge">${escapeHtml(subscription.status)}</span></h2>
<p>${escapeHtml(formatMoney((item.price.unit_amount ?? 0) * item.quantity, item.price.currency))} per ${escapeHtml(interval)}${item.quantity > 1 ? ` (${item.quantity} × ${escapeHtml(formatMoney(item.price.unit_amount ?? 0, item.price.currency))})` : ''}</p>
<p class="muted">${cancelScheduled ? 'Access until' : subscription.status === 'trialing' ? 'Trial ends' : 'Renews on'} ${escapeHtml(formatDate(item.current_period_end))}</p>
${notice}<div class="actions">${actions.join('')}</div>${switchForm}</div>`;
}

function renderPaymentMethod(context: EmulatorContext, session: PortalSession): string {
  // The customer's default, or else the one their subscriptions pay with.
  const defaultId =
    customerDefaultPaymentMethod(context, session.customer) ??
    subscriptions(context).list(
      (row) => row.customer === session.customer && row.default_payment_method !== null,
    )[0]?.default_payment_method;
  const current = defaultId ? paymentMethods(context).find(defaultId) : undefined;
  const card = current?.card as
    { brand?: string; last4?: string; exp_month?: number; exp_year?: number } | undefined;
  const description = card
    ? `${card.brand ?? 'card'} •••• ${card.last4 ?? ''} (expires ${card.exp_month}/${card.exp_year})`
    : 'No payment method on file';
  return `<section aria-labelledby="payment-method"><h2 id="payment-method">Payment method</h2><p>${escapeHtml(description)}</p>
<form method="post" action="/portal/${escapeHtml(session.id)}/payment-method">
<label for="card_number">Card number</label><input id="card_number" name="card_number" inputmode="numeric" placeholder="4242 4242 4242 4242" required>
<div class="row"><div><label for="card_expiry">Expiry (MM / YY)</label><input id="card_expiry" name="card_expiry" placeholder="12 / 34" required></div>
<div><label for="card_cvc">CVC</label><input id="card_cvc" name="card_cvc" inputmode="numeric" placeholder="123" required></div></div>
<button type="submit">Update payment method</button></form></section>`;
}

function renderInvoices(context: EmulatorContext, session: PortalSession): string {
  const rows = invoices(context)
    .list((invoice) => invoice.customer === session.customer && invoice.status !== 'draft')
    .slice(0, 24)
    .map(
      (invoice) =>
        `<tr><td>${escapeHtml(formatDate(invoice.created))}</td><td>${escapeHtml(typeof invoice.number === 'string' ? invoice.number : '')}</td><td><span class="badge">${escapeHtml(invoice.status)}</span></td><td class="amount">${escapeHtml(formatMoney(invoice.total, invoice.currency))}</td></tr>`,
    )
    .join('');
  return `<section aria-labelledby="invoices"><h2 id="invoices">Invoice history</h2>${
    rows
      ? `<table><thead><tr><th>Date</th><th>Number</th><th>Status</th><th class="amount">Amount</th></tr></thead><tbody>${rows}</tbody></table>`
      : '<p class="muted">No invoices yet.</p>'
  }</section>`;
}

function customerLabel(customer: Customer | undefined, fallback: string): string {
  return customer?.email ?? customer?.name ?? fallback;
}
