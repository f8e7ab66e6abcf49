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
import { clockOfCustomer, nowOn } from '../billing/time.js';
import type { EmulatorContext } from '../core/context.js';
import { missingParam } from '../core/errors.js';
import { paginate } from '../core/list.js';
import {
  applyMetadata,
  optionalBoolean,
  optionalEnum,
  optionalHash,
  optionalInteger,
  optionalString,
  optionalStringArray,
  type Params,
} from '../core/params.js';
import { requestParams } from '../core/request-params.js';
import { parseExpiresAt, parseLineItems, rejectParamsForMode } from './checkout-session-params.js';

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
      customer: optionalString(params, 'customer'),
      payment_intent: optionalString(params, 'payment_intent'),
      subscription: optionalString(params, 'subscription'),
      status: optionalEnum(params, 'status', ['open', 'complete', 'expired'] as const),
      client_reference_id: optionalString(params, 'client_reference_id'),
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
    const expand = optionalStringArray(params, 'expand') ?? [];
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
    const mode = optionalEnum(params, 'mode', ['payment', 'subscription', 'setup'] as const);
    if (!mode) throw missingParam('mode');
    rejectParamsForMode(params, mode);
    const customer = optionalString(params, 'customer') ?? null;
    if (customer) context.state.table('customer').get(customer, 'customer');
    const clock = clockOfCustomer(context, customer);
    const now = nowOn(context, clock);
    const lines = parseLineItems(context, params, mode, now).map((line) =>
      buildLineItem(context, line.price, line.quantity),
    );
    const subtotal = lines.reduce((sum, line) => sum + line.amount_subtotal, 0);
    const subscriptionData = optionalHash(params, 'subscription_data') ?? {};
    const paymentIntentData = optionalHash(params, 'payment_intent_data') ?? {};
    const trialPeriodDays = optionalInteger(subscriptionData, 'trial_period_days') ?? null;
    const trialEnd = optionalInteger(subscriptionData, 'trial_end') ?? null;
    const trialing = trialPeriodDays !== null || trialEnd !== null;
    const dueNow = trialing
      ? lines.filter((line) => !line.price.recurring).reduce((sum, line) => sum + line.amount_total, 0)
      : subtotal;
    const uiMode = optionalEnum(params, 'ui_mode', ['hosted', 'embedded', 'custom'] as const) ?? 'hosted';
    const session = newCheckoutSession({
      mode,
      created: now,
      expires_at: parseExpiresAt(params, now),
      allow_promotion_codes: optionalBoolean(params, 'allow_promotion_codes') ?? null,
      amount_subtotal: mode === 'setup' ? null : subtotal,
      amount_total: mode === 'setup' ? null : dueNow,
      cancel_url: optionalString(params, 'cancel_url') ?? null,
      client_reference_id: optionalString(params, 'client_reference_id') ?? null,
      currency: lines[0]?.currency ?? optionalString(params, 'currency') ?? null,
      customer,
      customer_creation:
        mode === 'payment' && !customer
          ? (optionalEnum(params, 'customer_creation', ['always', 'if_required'] as const) ?? 'if_required')
          : null,
      customer_email: optionalString(params, 'customer_email') ?? null,
      locale: optionalString(params, 'locale') ?? null,
      metadata: applyMetadata({}, params),
      payment_status: mode === 'setup' ? 'no_payment_required' : 'unpaid',
      success_url: optionalString(params, 'success_url') ?? null,
      total_details: mode === 'setup' ? null : { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: uiMode,
      payment_method_types: optionalStringArray(params, 'payment_method_types') ?? ['card'],
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
      subscriptionDescription: optionalString(subscriptionData, 'description') ?? null,
      paymentIntentMetadata: applyMetadata({}, paymentIntentData),
      paymentIntentDescription: optionalString(paymentIntentData, 'description') ?? null,
      setupFutureUsage:
        optionalEnum(paymentIntentData, 'setup_future_usage', ['on_session', 'off_session'] as const) ?? null,
    });
    return session;
  }
}
