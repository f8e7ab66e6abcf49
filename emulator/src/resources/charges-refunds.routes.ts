// The /v1/charges routes (read and update) and the /v1/refunds routes.
import type { FastifyInstance } from 'fastify';
import { charges } from '../billing/charges.js';
import { paymentIntents } from '../billing/payment-intents.js';
import { refundCharge, refunds } from '../billing/refunds.js';
import { clockOfCustomer, emitOn } from '../billing/time.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { previousAttributes } from '../core/events.js';
import { matchesCreated, paginate } from '../core/list.js';
import { applyMetadata, optionalEnum, optionalInteger, optionalString } from '../core/params.js';
import { requestParams } from '../core/request-params.js';

/** Charges (read-only here: payment intents create them) and refunds. */
export function registerChargeAndRefundRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('ch', 'charge');
  context.state.registerIdPrefix('re', 'refund');
  context.state.registerIdPrefix('txn', 'balance_transaction');
  const chargeTable = charges(context);
  const refundTable = refunds(context);

  app.get<{ Params: { id: string } }>('/v1/charges/:id', async (request) =>
    chargeTable.get(request.params.id, 'charge'),
  );

  app.post<{ Params: { id: string } }>('/v1/charges/:id', async (request) => {
    const params = requestParams(request);
    const charge = chargeTable.get(request.params.id, 'charge');
    const before = structuredClone(charge);
    charge.metadata = applyMetadata(charge.metadata, params);
    const description = optionalString(params, 'description');
    if (description !== undefined) charge.description = description;
    const changed = previousAttributes(before, charge);
    if (Object.keys(changed).length > 0)
      emitOn(context, clockOfCustomer(context, charge.customer), 'charge.updated', charge, changed);
    return charge;
  });

  app.get('/v1/charges', async (request) => {
    const params = requestParams(request);
    const customer = optionalString(params, 'customer');
    const paymentIntent = optionalString(params, 'payment_intent');
    const rows = chargeTable.list(
      (row) =>
        (customer === undefined || row.customer === customer) &&
        (paymentIntent === undefined || row.payment_intent === paymentIntent) &&
        matchesCreated(row.created, params),
    );
    return paginate(rows, params, '/v1/charges');
  });

  app.post('/v1/refunds', async (request) => {
    const params = requestParams(request);
    const chargeId = optionalString(params, 'charge');
    const paymentIntentId = optionalString(params, 'payment_intent');
    if (!chargeId && !paymentIntentId) {
      throw invalidRequest(
        'One of the following params should be provided for this request: payment_intent or charge.',
        undefined,
        'parameter_missing',
      );
    }
    let charge;
    if (chargeId) charge = chargeTable.get(chargeId, 'charge');
    else {
      const paymentIntent = paymentIntents(context).get(paymentIntentId ?? '', 'payment_intent');
      if (paymentIntent.status !== 'succeeded' || !paymentIntent.latest_charge) {
        throw invalidRequest(
          `This PaymentIntent (${paymentIntent.id}) does not have a successful charge to refund.`,
          'payment_intent',
          'charge_not_refundable',
        );
      }
      charge = chargeTable.get(paymentIntent.latest_charge, 'charge');
    }
    const amount = optionalInteger(params, 'amount') ?? undefined;
    return refundCharge(context, charge, {
      ...(amount !== undefined ? { amount } : {}),
      reason:
        optionalEnum(params, 'reason', ['duplicate', 'fraudulent', 'requested_by_customer'] as const) ?? null,
      metadata: applyMetadata({}, params),
    });
  });

  app.get<{ Params: { id: string } }>('/v1/refunds/:id', async (request) =>
    refundTable.get(request.params.id, 'refund'),
  );

  app.post<{ Params: { id: string } }>('/v1/refunds/:id', async (request) => {
    const params = requestParams(request);
    const refund = refundTable.get(request.params.id, 'refund');
    const before = structuredClone(refund);
    refund.metadata = applyMetadata(refund.metadata, params);
    const changed = previousAttributes(before, refund);
    const clock = clockOfCustomer(context, typeof refund.customer === 'string' ? refund.customer : null);
    // Stripe announces a refund's change twice: as the refund and, for its charge's listeners, as a charge refund.
    if (Object.keys(changed).length > 0) {
      emitOn(context, clock, 'refund.updated', refund, changed);
      emitOn(context, clock, 'charge.refund.updated', refund, changed);
    }
    return refund;
  });

  app.get('/v1/refunds', async (request) => {
    const params = requestParams(request);
    const charge = optionalString(params, 'charge');
    const paymentIntent = optionalString(params, 'payment_intent');
    const rows = refundTable.list(
      (row) =>
        (charge === undefined || row.charge === charge) &&
        (paymentIntent === undefined || row.payment_intent === paymentIntent) &&
        matchesCreated(row.created, params),
    );
    return paginate(rows, params, '/v1/refunds');
  });
}
