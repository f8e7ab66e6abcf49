// The /v1/checkout/sessions routes: create, retrieve, update, list, line items, expire.
import type { FastifyInstance } from 'fastify';
import { expireCheckoutSession, expireIfDue } from '../billing/checkout-completion.js';
import {
  buildLineItem,
  checkoutSessions,
  lineItemsOf,
  newCheckoutSession,
  storeSessionDetails,
  type CheckoutSession,
} from '../billing/checkout-sessions.js';
import { applySessionDiscount } from '../billing/checkout-discounts.js';
import { clockOfCustomer, nowOn } from '../billing/time.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import { paginate } from '../core/list.js';
import * as read from '../core/params.js';
import { applyMetadata, type Params } from '../core/params.js';
import { requestParams } from '../core/request-params.js';
import { parseExpiresAt, parseLineItems, rejectParamsForMode } from './checkout-session-params.js';
import { parseDiscounts } from './discount-params.js';

export function registerCheckoutSessionRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('cs_test', 'checkout.session');
  context.state.registerIdPrefix('seti', 'setup_intent');
  const table = checkoutSessions(context);

  app.post('/v1/checkout/sessions', async (request) => createSession(requestParams(request)));

  app.get<{ Params: { id: string } }>('/v1/checkout/sessions/:id', async (request) => {
    const session = readSession(request.params.id);
    return withExpandedLineItems(session, requestParams(request));
  });

  app.post<{ Params: { id: string } }>('/v1/checkout/sessions/:id', async (request) => {
    const params = requestParams(request);
    const session = readSession(request.params.id);
    // Stripe sends no event for a session update.
    session.metadata = applyMetadata(session.metadata, params);
    return session;
  });

  app.post<{ Params: { id: string } }>('/v1/checkout/sessions/:id/expire', async (request) => {
    const session = readSession(request.params.id);
    expireCheckoutSession(context, session);
    return session;
  });

  app.get<{ Params: { id: string } }>('/v1/checkout/sessions/:id/line_items', async (request) => {
    const session = readSession(request.params.id);
    return paginate(
      lineItemsOf(context, session.id).slice(),
      requestParams(request),
      `/v1/checkout/sessions/${session.id}/line_items`,
    );
  });

  app.get('/v1/checkout/sessions', async (request) => {
    const params = requestParams(request);
    const filters = {
      customer: read.optionalString(params, 'customer'),
      payment_intent: read.optionalString(params, 'payment_intent'),
      subscription: read.optionalString(params, 'subscription'),
      status: read.optionalEnum(params, 'status', ['open', 'complete', 'expired'] as const),
      client_reference_id: read.optionalString(params, 'client_reference_id'),
    };
    for (const session of table.list((row) => row.status === 'open')) expireIfDue(context, session);
    const rows = table.list((row) =>
      Object.entries(filters).every(([key, value]) => value === undefined || row[key] === value),
    );
    return paginate(rows, params, '/v1/checkout/sessions');
  });

  function readSession(id: string): CheckoutSession {
    const session = table.get(id, 'session');
    expireIfDue(context, session);
    return session;
  }

  /** `expand[]=line_items`: the session carries its line items list only when asked for. */
  function withExpandedLineItems(session: CheckoutSession, params: Params): CheckoutSession {
    const expand = read.optionalStringArray(params, 'expand') ?? [];
    if (!expand.some((path) => path === 'line_items' || path.startsWith('line_items.'))) return session;
    const lines = lineItemsOf(context, session.id);
    return {
      ...session,
      line_items: {
        object: 'list',
        data: lines.slice(0, 100),
        has_more: lines.length > 100,
        url: `/v1/checkout/sessions/${session.id}/line_items`,
      },
    };
  }

  function createSession(params: Params): CheckoutSession {
    const mode = read.optionalEnum(params, 'mode', ['payment', 'subscription', 'setup'] as const);
    if (!mode) throw missingParam('mode');
    rejectParamsForMode(params, mode);
    const customer = read.optionalString(params, 'customer') ?? null;
    if (customer) context.state.table('customer').get(customer, 'customer');
    const clock = clockOfCustomer(context, customer);
    const now = nowOn(context, clock);
    const lines = parseLineItems(context, params, mode, now).map((line) =>
      buildLineItem(context, line.price, line.quantity),
    );
    const subtotal = lines.reduce((sum, line) => sum + line.amount_subtotal, 0);
    const subscriptionData = read.optionalHash(params, 'subscription_data') ?? {};
    const paymentIntentData = read.optionalHash(params, 'payment_intent_data') ?? {};
    const trialPeriodDays = read.optionalInteger(subscriptionData, 'trial_period_days') ?? null;
    const trialEnd = read.optionalInteger(subscriptionData, 'trial_end') ?? null;
    const trialing = trialPeriodDays !== null || trialEnd !== null;
    const dueNow = trialing
      ? lines.filter((line) => !line.price.recurring).reduce((sum, line) => sum + line.amount_total, 0)
      : subtotal;
    const uiMode =
      read.optionalEnum(params, 'ui_mode', ['hosted', 'embedded', 'custom'] as const) ?? 'hosted';
    const allowPromotionCodes = read.optionalBoolean(params, 'allow_promotion_codes');
    const discountRequests = parseDiscounts(
      context,
      params,
      { customer, amount: subtotal, currency: lines[0]?.currency ?? null, now },
      { maximum: 1, allowExisting: false },
    );
    if (allowPromotionCodes && discountRequests && discountRequests.length > 0) {
      throw invalidRequest(
        'You may only specify one of these parameters: allow_promotion_codes, discounts.',
        'discounts',
      );
    }
    const session = newCheckoutSession({
      mode,
      created: now,
      expires_at: parseExpiresAt(params, now),
      allow_promotion_codes: allowPromotionCodes ?? null,
      amount_subtotal: mode === 'setup' ? null : subtotal,
      amount_total: mode === 'setup' ? null : dueNow,
      cancel_url: read.optionalString(params, 'cancel_url') ?? null,
      client_reference_id: read.optionalString(params, 'client_reference_id') ?? null,
      currency: lines[0]?.currency ?? read.optionalString(params, 'currency') ?? null,
      customer,
      customer_creation:
        mode === 'payment' && !customer
          ? (read.optionalEnum(params, 'customer_creation', ['always', 'if_required'] as const) ??
            'if_required')
          : null,
      customer_email: read.optionalString(params, 'customer_email') ?? null,
      locale: read.optionalString(params, 'locale') ?? null,
      metadata: applyMetadata({}, params),
      payment_status: mode === 'setup' ? 'no_payment_required' : 'unpaid',
      success_url: read.optionalString(params, 'success_url') ?? null,
      total_details: mode === 'setup' ? null : { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: uiMode,
      payment_method_types: read.optionalStringArray(params, 'payment_method_types') ?? ['card'],
      invoice_creation: mode === 'payment' ? { enabled: false, invoice_data: null } : null,
    });
    session.url = uiMode === 'hosted' ? `${context.baseUrl}/checkout/${session.id}` : null;
    if (uiMode !== 'hosted') session.client_secret = `${session.id}_secret_${session.id.slice(-24)}`;
    table.insert(session);
    storeSessionDetails(context, session.id, lines, {
      clock,
      trialPeriodDays,
      trialEnd,
      subscriptionMetadata: applyMetadata({}, subscriptionData),
      subscriptionDescription: read.optionalString(subscriptionData, 'description') ?? null,
      paymentIntentMetadata: applyMetadata({}, paymentIntentData),
      paymentIntentDescription: read.optionalString(paymentIntentData, 'description') ?? null,
      setupFutureUsage:
        read.optionalEnum(paymentIntentData, 'setup_future_usage', ['on_session', 'off_session'] as const) ??
        null,
    });
    const [requested] = discountRequests ?? [];
    if (requested && 'source' in requested) applySessionDiscount(context, session, requested.source);
    return session;
  }
}
