// The hosted checkout page at a session's `url`.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { enterPromotionCode } from '../billing/checkout-discounts.js';
import { completeCheckoutSession, expireIfDue } from '../billing/checkout-completion.js';
import {
  checkoutSessions,
  lineItemsOf,
  settingsOf,
  type CheckoutSession,
} from '../billing/checkout-sessions.js';
import { coupons } from '../billing/discounts.js';
import { promotionCodes } from '../billing/promotion-codes.js';
import type { EmulatorContext } from '../core/context.js';
import { StripeError } from '../core/errors.js';
import { runOutsideRequest } from '../core/request-context.js';
import { formatMoney } from '../core/money.js';
import { escapeHtml, messagePage, page } from './html.js';

interface CheckoutForm {
  email?: string;
  name?: string;
  card_number?: string;
  card_expiry?: string;
  card_cvc?: string;
  promotion_code?: string;
}

/**
 * The hosted checkout page at the session's `url`: the cart, an email field when the session has no customer, card
 * fields and Pay. Paying calls the same completion as the API test helper; a decline re-renders with Stripe's message.
 */
export function registerCheckoutPage(app: FastifyInstance, context: EmulatorContext): void {
  app.get<{ Params: { id: string } }>('/checkout/:id', async (request, reply) => {
    const session = checkoutSessions(context).find(request.params.id);
    if (!session)
      return sendHtml(reply, 404, messagePage('Checkout not found', 'This checkout link is not valid.'));
    runOutsideRequest(() => expireIfDue(context, session));
    return sendHtml(reply, 200, renderSession(context, session));
  });

  app.post<{ Params: { id: string }; Body: { promotion_code?: string } }>(
    '/checkout/:id/promotion_code',
    async (request, reply) => {
      const session = checkoutSessions(context).find(request.params.id);
      if (!session || session.status !== 'open')
        return sendHtml(reply, 404, messagePage('Checkout not found', 'This checkout link is not valid.'));
      const code = (request.body?.promotion_code ?? '').trim();
      try {
        runOutsideRequest(() => enterPromotionCode(context, session, code));
      } catch (error) {
        if (!(error instanceof StripeError)) throw error;
        return sendHtml(
          reply,
          400,
          renderSession(context, session, { promotion_code: code }, undefined, error.message),
        );
      }
      return sendHtml(reply, 200, renderSession(context, session));
    },
  );

  app.post<{ Params: { id: string }; Body: CheckoutForm }>('/checkout/:id', async (request, reply) => {
    const session = checkoutSessions(context).find(request.params.id);
    if (!session)
      return sendHtml(reply, 404, messagePage('Checkout not found', 'This checkout link is not valid.'));
    const form = request.body ?? {};
    const expiry = parseExpiry(form.card_expiry ?? '');
    if (!expiry)
      return sendHtml(
        reply,
        400,
        renderSession(context, session, form, "Your card's expiration date is incomplete."),
      );
    if (!/^\d{3,4}$/.test((form.card_cvc ?? '').trim())) {
      return sendHtml(
        reply,
        400,
        renderSession(context, session, form, "Your card's security code is incomplete."),
      );
    }
    try {
      runOutsideRequest(() =>
        completeCheckoutSession(context, session, {
          card: { number: form.card_number ?? '', exp_month: expiry.month, exp_year: expiry.year },
          email: form.email?.trim() || null,
          name: form.name?.trim() || null,
        }),
      );
    } catch (error) {
      if (!(error instanceof StripeError)) throw error;
      return sendHtml(reply, error.statusCode, renderSession(context, session, form, error.message));
    }
    if (!session.success_url)
      return sendHtml(reply, 200, messagePage('Thanks for your order', 'Your payment is complete.'));
    return reply.redirect(session.success_url.replace(/\{CHECKOUT_SESSION_ID\}/g, session.id), 303);
  });
}

function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(html);
}

function parseExpiry(text: string): { month: number; year: number } | undefined {
  const match = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(text);
  if (!match) return undefined;
  const month = Number(match[1]);
  const year = Number(match[2]?.length === 2 ? `20${match[2]}` : match[2]);
  return month >= 1 && month <= 12 ? { month, year } : undefined;
}

function renderSession(
  context: EmulatorContext,
  session: CheckoutSession,
  form: CheckoutForm = {},
  error?: string,
  promotionError?: string,
): string {
  if (session.status === 'expired') {
    return messagePage(
      'This checkout session has expired',
      'The link is no longer valid. Go back to the shop to start again.',
      session.cancel_url ? { href: session.cancel_url, label: 'Back to the shop' } : undefined,
    );
  }
  if (session.status === 'complete') {
    return messagePage(
      'This checkout session is complete',
      'Your payment has already been received.',
      session.success_url
        ? { href: session.success_url.replace(/\{CHECKOUT_SESSION_ID\}/g, session.id), label: 'Continue' }
        : undefined,
    );
  }
  const currency = session.currency ?? 'usd';
  const lines = lineItemsOf(context, session.id);
  const settings = settingsOf(context, session.id);
  const rows = lines
    .map((line) => {
      const recurring = line.price.recurring;
      const every = recurring
        ? ` / ${recurring.interval_count > 1 ? `${recurring.interval_count} ` : ''}${recurring.interval}`
        : '';
      return `<tr><td>${escapeHtml(line.description)}<div class="muted">Qty ${line.quantity} × ${escapeHtml(
        formatMoney(line.price.unit_amount ?? 0, currency),
      )}${escapeHtml(every)}</div></td><td class="amount">${escapeHtml(formatMoney(line.amount_subtotal, currency))}</td></tr>`;
    })
    .join('');
  const trial = settings.trialPeriodDays
    ? `<p class="muted">${settings.trialPeriodDays}-day free trial</p>`
    : '';
  const heading =
    session.mode === 'setup' ? 'Save your card' : session.mode === 'subscription' ? 'Subscribe' : 'Pay';
  const summary =
    session.mode === 'setup'
      ? `<section><h1>Save a card for future payments</h1><p class="muted">You will not be charged now.</p></section>`
      : `<section aria-labelledby="summary"><span class="badge test">Test mode</span><h1 id="summary">Order summary</h1>${trial}
<table><thead><tr><th>Item</th><th class="amount">Amount</th></tr></thead><tbody>${rows}</tbody>
<tfoot>${discountRow(context, session, currency)}<tr><td>Total due today</td><td class="amount" data-testid="total">${escapeHtml(formatMoney(session.amount_total ?? 0, currency))}</td></tr></tfoot></table>${promotionCodeForm(session, form, promotionError)}</section>`;
  const emailField = session.customer
    ? ''
    : session.customer_email
      ? `<label for="email">Email</label><input id="email" name="email" type="email" value="${escapeHtml(session.customer_email)}" readonly>`
      : `<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required value="${escapeHtml(form.email ?? '')}">`;
  const cancel = session.cancel_url
    ? `<p><a href="${escapeHtml(session.cancel_url)}">← Cancel and return</a></p>`
    : '';
  return page(
    `${heading} — Stripe Emulator`,
    `${summary}
<section aria-labelledby="payment"><h2 id="payment">Payment details</h2>
<form method="post" action="/checkout/${escapeHtml(session.id)}" novalidate>
${emailField}
<label for="name">Name on card</label><input id="name" name="name" autocomplete="cc-name" value="${escapeHtml(form.name ?? '')}">
<label for="card_number">Card number</label><input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242" required value="${escapeHtml(form.card_number ?? '')}">
<div class="row"><div><label for="card_expiry">Expiry (MM / YY)</label><input id="card_expiry" name="card_expiry" autocomplete="cc-exp" placeholder="12 / 34" required value="${escapeHtml(form.card_expiry ?? '')}"></div>
<div><label for="card_cvc">CVC</label><input id="card_cvc" name="card_cvc" inputmode="numeric" autocomplete="cc-csc" placeholder="123" required></div></div>
${error ? `<div class="error" role="alert">${escapeHtml(error)}</div>` : ''}
<button class="full" type="submit">${session.mode === 'payment' ? `Pay ${escapeHtml(formatMoney(session.amount_total ?? 0, currency))}` : heading}</button>
</form>${cancel}</section>`,
    { mainClass: 'split' },
  );
}

/** The discount row of the order summary, naming the promotion code (or coupon) it comes from. */
function discountRow(context: EmulatorContext, session: CheckoutSession, currency: string): string {
  const amount = (session.total_details as { amount_discount?: number } | null)?.amount_discount ?? 0;
  const [discount] =
    (session.discounts as Array<{ coupon: string | null; promotion_code: string | null }>) ?? [];
  if (!discount) return '';
  const promotionCode = discount.promotion_code
    ? promotionCodes(context).find(discount.promotion_code)?.code
    : undefined;
  const label = promotionCode ?? coupons(context).find(discount.coupon ?? '')?.name ?? discount.coupon ?? '';
  return `<tr><td>Discount <span class="badge" data-testid="discount-code">${escapeHtml(label)}</span></td><td class="amount" data-testid="discount">−${escapeHtml(formatMoney(amount, currency))}</td></tr>`;
}

/** With `allow_promotion_codes`, a field to enter a code (its own form: forms do not nest). */
function promotionCodeForm(session: CheckoutSession, form: CheckoutForm, error?: string): string {
  if (session.allow_promotion_codes !== true) return '';
  return `<form method="post" action="/checkout/${escapeHtml(session.id)}/promotion_code" class="promotion-code">
<label for="promotion_code">Promotion code</label><input id="promotion_code" name="promotion_code" autocomplete="off" value="${escapeHtml(form.promotion_code ?? '')}">
${error ? `<div class="error" role="alert" data-testid="promotion-code-error">${escapeHtml(error)}</div>` : ''}
<button type="submit">Apply</button></form>`;
}
