// The /v1/coupons routes: create, retrieve, update (name, metadata), delete and list coupons.
import type { FastifyInstance } from 'fastify';
import { coupons, type Coupon } from '../billing/discounts.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { previousAttributes } from '../core/events.js';
import { newId } from '../core/ids.js';
import { matchesCreated, paginate } from '../core/list.js';
import { applyMetadata, optionalEnum, optionalInteger, optionalString, type Params } from '../core/params.js';
import { requestParams } from '../core/request-params.js';

export function registerCouponRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('di', 'discount');
  const table = coupons(context);

  app.post('/v1/coupons', async (request) => {
    const params = requestParams(request);
    const coupon = newCoupon(params, context.clock.now());
    if (table.find(coupon.id)) {
      throw invalidRequest('Coupon already exists.', 'id', 'resource_already_exists');
    }
    table.insert(coupon);
    context.events.emit('coupon.created', coupon);
    return coupon;
  });

  app.get<{ Params: { id: string } }>('/v1/coupons/:id', async (request) =>
    table.get(request.params.id, 'coupon'),
  );

  app.post<{ Params: { id: string } }>('/v1/coupons/:id', async (request) => {
    const params = requestParams(request);
    const coupon = table.get(request.params.id, 'coupon');
    const before = structuredClone(coupon);
    coupon.metadata = applyMetadata(coupon.metadata, params);
    const name = optionalString(params, 'name');
    if (name !== undefined) coupon.name = name;
    const changed = previousAttributes(before, coupon);
    if (Object.keys(changed).length > 0)
      context.events.emit('coupon.updated', coupon, { previousAttributes: changed });
    return coupon;
  });

  app.delete<{ Params: { id: string } }>('/v1/coupons/:id', async (request) => {
    const coupon = table.get(request.params.id, 'coupon');
    table.delete(coupon.id);
    // Discounts already given keep running; the coupon can no longer be redeemed.
    context.events.emit('coupon.deleted', { ...coupon, valid: false });
    return { id: coupon.id, object: 'coupon', deleted: true };
  });

  app.get('/v1/coupons', async (request) => {
    const params = requestParams(request);
    return paginate(
      table.list((row) => matchesCreated(row.created as number, params)),
      params,
      '/v1/coupons',
    );
  });
}

function newCoupon(params: Params, now: number): Coupon {
  const percentOff = params.percent_off === undefined ? null : Number(params.percent_off);
  const amountOff = optionalInteger(params, 'amount_off') ?? null;
  if ((percentOff === null) === (amountOff === null)) {
    throw invalidRequest('You must pass exactly one of amount_off or percent_off.', 'percent_off');
  }
  if (percentOff !== null && !(percentOff > 0 && percentOff <= 100)) {
    throw invalidRequest('Invalid percent_off: must be greater than 0 and at most 100.', 'percent_off');
  }
  const currency = optionalString(params, 'currency')?.toLowerCase() ?? null;
  if (amountOff !== null && !currency) {
    throw invalidRequest('You must pass currency when passing amount_off.', 'currency');
  }
  const duration = optionalEnum(params, 'duration', ['once', 'repeating', 'forever'] as const) ?? 'once';
  const months = optionalInteger(params, 'duration_in_months') ?? null;
  if (duration === 'repeating' && months === null) {
    throw invalidRequest(
      'You must pass duration_in_months when duration is repeating.',
      'duration_in_months',
    );
  }
  return {
    id: optionalString(params, 'id') ?? newId('', 8).slice(1).toUpperCase(),
    object: 'coupon',
    amount_off: amountOff,
    created: now,
    currency: amountOff !== null ? currency : null,
    duration,
    duration_in_months: duration === 'repeating' ? months : null,
    livemode: false,
    max_redemptions: optionalInteger(params, 'max_redemptions') ?? null,
    metadata: applyMetadata({}, params),
    name: optionalString(params, 'name') ?? null,
    percent_off: percentOff,
    redeem_by: optionalInteger(params, 'redeem_by') ?? null,
    times_redeemed: 0,
    valid: true,
  };
}
