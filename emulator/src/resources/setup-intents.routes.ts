// The /v1/setup_intents routes: create (and confirm at once), retrieve, update, confirm, cancel, list.
import type { FastifyInstance } from 'fastify';
import { resolvePaymentMethod } from '../billing/payment-methods.js';
import {
  cancelSetupIntent,
  confirmSetupIntent,
  createSetupIntent,
  setupIntents,
  type SetupIntent,
} from '../billing/setup-intents.js';
import { clockOfCustomer, emitOn, nowOn } from '../billing/time.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { previousAttributes } from '../core/events.js';
import { matchesCreated, paginate } from '../core/list.js';
import {
  applyMetadata,
  optionalBoolean,
  optionalEnum,
  optionalString,
  optionalStringArray,
  type Params,
} from '../core/params.js';
import { requestParams } from '../core/request-params.js';

const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

export function registerSetupIntentRoutes(app: FastifyInstance, context: EmulatorContext): void {
  const table = setupIntents(context);

  app.post('/v1/setup_intents', async (request) => {
    const params = requestParams(request);
    const customer = optionalString(params, 'customer') ?? null;
    if (customer) context.state.table('customer').get(customer, 'customer');
    const clock = clockOfCustomer(context, customer);
    const paymentMethodId = optionalString(params, 'payment_method');
    const paymentMethod = paymentMethodId
      ? resolvePaymentMethod(context, paymentMethodId, 'payment_method', nowOn(context, clock))
      : undefined;
    const setupIntent = createSetupIntent(context, {
      customer,
      description: optionalString(params, 'description') ?? null,
      metadata: applyMetadata({}, params),
      paymentMethod: paymentMethod?.id ?? null,
      paymentMethodTypes: optionalStringArray(params, 'payment_method_types') ?? ['card'],
      usage: optionalEnum(params, 'usage', ['off_session', 'on_session'] as const) ?? 'off_session',
      clock,
    });
    if (optionalBoolean(params, 'confirm')) confirm(setupIntent, params);
    return setupIntent;
  });

  app.get<{ Params: { id: string } }>('/v1/setup_intents/:id', async (request) =>
    table.get(request.params.id, 'intent'),
  );

  app.post<{ Params: { id: string } }>('/v1/setup_intents/:id', async (request) => {
    const params = requestParams(request);
    const setupIntent = table.get(request.params.id, 'intent');
    const before = structuredClone(setupIntent);
    const description = optionalString(params, 'description');
    if (description !== undefined) setupIntent.description = description;
    setupIntent.metadata = applyMetadata(setupIntent.metadata, params);
    const customer = optionalString(params, 'customer');
    if (customer) {
      context.state.table('customer').get(customer, 'customer');
      setupIntent.customer = customer;
    }
    setPaymentMethod(setupIntent, params);
    const changed = previousAttributes(before, setupIntent);
    if (Object.keys(changed).length > 0) {
      emitOn(
        context,
        clockOfCustomer(context, setupIntent.customer),
        'setup_intent.updated',
        setupIntent,
        changed,
      );
    }
    return setupIntent;
  });

  app.post<{ Params: { id: string } }>('/v1/setup_intents/:id/confirm', async (request) => {
    const params = requestParams(request);
    const setupIntent = table.get(request.params.id, 'intent');
    confirm(setupIntent, params);
    return setupIntent;
  });

  app.post<{ Params: { id: string } }>('/v1/setup_intents/:id/cancel', async (request) => {
    const params = requestParams(request);
    const setupIntent = table.get(request.params.id, 'intent');
    if (
      setupIntent.status === 'succeeded' ||
      setupIntent.status === 'canceled' ||
      setupIntent.status === 'processing'
    ) {
      throw invalidRequest(
        `You cannot cancel this SetupIntent because it has a status of ${setupIntent.status}.`,
        undefined,
        'setup_intent_unexpected_state',
      );
    }
    const reason =
      optionalEnum(params, 'cancellation_reason', [
        'abandoned',
        'duplicate',
        'requested_by_customer',
      ] as const) ?? null;
    cancelSetupIntent(context, setupIntent, reason, clockOfCustomer(context, setupIntent.customer));
    return setupIntent;
  });

  app.get('/v1/setup_intents', async (request) => {
    const params = requestParams(request);
    const customer = optionalString(params, 'customer');
    const paymentMethod = optionalString(params, 'payment_method');
    const rows = table.list(
      (row) =>
        (customer === undefined || row.customer === customer) &&
        (paymentMethod === undefined || row.payment_method === paymentMethod) &&
        matchesCreated(row.created, params),
    );
    return paginate(rows, params, '/v1/setup_intents');
  });

  function setPaymentMethod(setupIntent: SetupIntent, params: Params): void {
    const id = optionalString(params, 'payment_method');
    if (!id) return;
    const clock = clockOfCustomer(context, setupIntent.customer);
    setupIntent.payment_method = resolvePaymentMethod(
      context,
      id,
      'payment_method',
      nowOn(context, clock),
    ).id;
    if (setupIntent.status === 'requires_payment_method') setupIntent.status = 'requires_confirmation';
  }

  function confirm(setupIntent: SetupIntent, params: Params): void {
    if (!CONFIRMABLE.includes(setupIntent.status)) {
      throw invalidRequest(
        `You cannot confirm this SetupIntent because it has a status of ${setupIntent.status}.`,
        undefined,
        'setup_intent_unexpected_state',
      );
    }
    setPaymentMethod(setupIntent, params);
    if (!setupIntent.payment_method) {
      throw invalidRequest(
        "You cannot confirm this SetupIntent because it's missing a payment method.",
        'payment_method',
        'setup_intent_unexpected_state',
      );
    }
    const clock = clockOfCustomer(context, setupIntent.customer);
    const paymentMethod = resolvePaymentMethod(
      context,
      setupIntent.payment_method,
      'payment_method',
      nowOn(context, clock),
    );
    confirmSetupIntent(context, setupIntent, paymentMethod, clock);
  }
}
