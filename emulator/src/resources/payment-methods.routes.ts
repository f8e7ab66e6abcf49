// The /v1/payment_methods routes: create, retrieve, update, attach, detach, list.
import type { FastifyInstance } from 'fastify';
import {
  attachPaymentMethod,
  createCardPaymentMethod,
  detachPaymentMethod,
  paymentMethods,
  resolvePaymentMethod,
  type PaymentMethod,
} from '../billing/payment-methods.js';
import { emitOn, clockOfCustomer, nowForCustomer } from '../billing/time.js';
import { createSepaDebitPaymentMethod } from '../billing/sepa-debit.js';
import type { EmulatorContext } from '../core/context.js';
import { previousAttributes } from '../core/events.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import { paginate } from '../core/list.js';
import {
  applyMetadata,
  optionalEnum,
  optionalHash,
  optionalInteger,
  optionalString,
  requiredString,
  type Params,
} from '../core/params.js';
import { requestParams } from '../core/request-params.js';

export function registerPaymentMethodRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('pm', 'payment_method');
  const table = paymentMethods(context);

  app.post('/v1/payment_methods', async (request) => {
    const params = requestParams(request);
    const type = requiredString(params, 'type');
    if (type === 'sepa_debit') {
      const sepa = optionalHash(params, 'sepa_debit');
      if (!sepa) throw missingParam('sepa_debit');
      const iban = requiredString(sepa, 'iban');
      const paymentMethod = createSepaDebitPaymentMethod(
        context,
        iban,
        blankBillingDetails(),
        context.clock.now(),
      );
      applyBillingDetails(paymentMethod, params);
      paymentMethod.metadata = applyMetadata(paymentMethod.metadata, params);
      return paymentMethod;
    }
    if (type !== 'card')
      throw invalidRequest(`The payment method type "${type}" is not supported by the emulator.`, 'type');
    const card = optionalHash(params, 'card');
    if (!card) throw missingParam('card');
    const token = optionalString(card, 'token');
    const now = context.clock.now();
    const paymentMethod = token
      ? resolvePaymentMethod(context, token, 'card[token]', now)
      : createCardPaymentMethod(
          context,
          {
            number: requiredString(card, 'number'),
            exp_month: optionalInteger(card, 'exp_month') ?? undefined,
            exp_year: optionalInteger(card, 'exp_year') ?? undefined,
          },
          now,
        );
    applyBillingDetails(paymentMethod, params);
    paymentMethod.metadata = applyMetadata(paymentMethod.metadata, params);
    return paymentMethod;
  });

  app.get<{ Params: { id: string } }>('/v1/payment_methods/:id', async (request) =>
    resolvePaymentMethod(context, request.params.id, 'payment_method', context.clock.now()),
  );

  app.post<{ Params: { id: string } }>('/v1/payment_methods/:id', async (request) => {
    const params = requestParams(request);
    const paymentMethod = table.get(request.params.id, 'payment_method');
    const before = structuredClone(paymentMethod);
    applyBillingDetails(paymentMethod, params);
    paymentMethod.metadata = applyMetadata(paymentMethod.metadata, params);
    const changed = previousAttributes(before, paymentMethod);
    const clock = clockOfCustomer(context, paymentMethod.customer);
    if (Object.keys(changed).length > 0)
      emitOn(context, clock, 'payment_method.updated', paymentMethod, changed);
    return paymentMethod;
  });

  app.post<{ Params: { id: string } }>('/v1/payment_methods/:id/attach', async (request) => {
    const params = requestParams(request);
    const customerId = requiredString(params, 'customer');
    const paymentMethod = resolvePaymentMethod(
      context,
      request.params.id,
      'payment_method',
      nowForCustomer(context, customerId),
    );
    attachPaymentMethod(context, paymentMethod, customerId);
    return paymentMethod;
  });

  app.post<{ Params: { id: string } }>('/v1/payment_methods/:id/detach', async (request) => {
    const paymentMethod = table.get(request.params.id, 'payment_method');
    detachPaymentMethod(context, paymentMethod);
    return paymentMethod;
  });

  app.get('/v1/payment_methods', async (request) => {
    const params = requestParams(request);
    return paginate(
      listFor(params, optionalString(params, 'customer') ?? undefined),
      params,
      '/v1/payment_methods',
    );
  });

  app.get<{ Params: { id: string } }>('/v1/customers/:id/payment_methods', async (request) => {
    const params = requestParams(request);
    context.state.table('customer').get(request.params.id, 'customer');
    return paginate(
      listFor(params, request.params.id),
      params,
      `/v1/customers/${request.params.id}/payment_methods`,
    );
  });

  app.get<{ Params: { id: string; pm: string } }>(
    '/v1/customers/:id/payment_methods/:pm',
    async (request) => {
      const paymentMethod = table.get(request.params.pm, 'payment_method');
      if (paymentMethod.customer !== request.params.id)
        throw invalidRequest(`No such PaymentMethod: '${request.params.pm}'`);
      return paymentMethod;
    },
  );

  function listFor(params: Params, customerId: string | undefined): PaymentMethod[] {
    const type = optionalEnum(params, 'type', ['card', 'sepa_debit', 'us_bank_account'] as const);
    return table.list(
      (row) =>
        (customerId === undefined || row.customer === customerId) &&
        row.customer !== null &&
        (type === undefined || row.type === type),
    );
  }
}

function blankBillingDetails(): Record<string, unknown> {
  return {
    address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
    email: null,
    name: null,
    phone: null,
    tax_id: null,
  };
}

function applyBillingDetails(paymentMethod: PaymentMethod, params: Params): void {
  const details = optionalHash(params, 'billing_details');
  if (!details) return;
  for (const field of ['email', 'name', 'phone'] as const) {
    const value = optionalString(details, field);
    if (value !== undefined) paymentMethod.billing_details[field] = value;
  }
}
