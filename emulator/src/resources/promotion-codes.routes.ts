// The /v1/promotion_codes routes: create, retrieve, update (active, metadata, restrictions) and list promotion codes.
import type { FastifyInstance } from 'fastify';
import { coupons } from '../billing/discounts.js';
import { findActivePromotionCode, promotionCodes, type PromotionCode } from '../billing/promotion-codes.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import { previousAttributes } from '../core/events.js';
import { newId } from '../core/ids.js';
import { matchesCreated, paginate } from '../core/list.js';
import * as read from '../core/params.js';
import { applyMetadata, type Params } from '../core/params.js';
import { requestParams } from '../core/request-params.js';

export function registerPromotionCodeRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('promo', 'promotion_code');
  const table = promotionCodes(context);

  app.post('/v1/promotion_codes', async (request) => {
    const promotionCode = newPromotionCode(context, requestParams(request));
    if (promotionCode.active) assertCodeFree(promotionCode);
    table.insert(promotionCode);
    context.events.emit('promotion_code.created', promotionCode);
    return promotionCode;
  });

  app.get<{ Params: { id: string } }>('/v1/promotion_codes/:id', async (request) =>
    table.get(request.params.id, 'promotion_code'),
  );

  app.post<{ Params: { id: string } }>('/v1/promotion_codes/:id', async (request) => {
    const params = requestParams(request);
    const promotionCode = table.get(request.params.id, 'promotion_code');
    const before = structuredClone(promotionCode);
    const active = read.optionalBoolean(params, 'active');
    if (active === true && !promotionCode.active) assertCodeFree(promotionCode);
    if (active !== undefined) promotionCode.active = active;
    promotionCode.metadata = applyMetadata(promotionCode.metadata, params);
    const restrictions = read.optionalHash(params, 'restrictions');
    if (restrictions) {
      promotionCode.restrictions.currency_options = {
        ...promotionCode.restrictions.currency_options,
        ...currencyOptions(restrictions),
      };
    }
    const changed = previousAttributes(before, promotionCode);
    if (Object.keys(changed).length > 0)
      context.events.emit('promotion_code.updated', promotionCode, { previousAttributes: changed });
    return promotionCode;
  });

  app.get('/v1/promotion_codes', async (request) => {
    const params = requestParams(request);
    const active = read.optionalBoolean(params, 'active');
    const code = read.optionalString(params, 'code')?.toLowerCase();
    const coupon = read.optionalString(params, 'coupon');
    const customer = read.optionalString(params, 'customer');
    const rows = table.list(
      (row) =>
        (active === undefined || row.active === active) &&
        (code === undefined || row.code.toLowerCase() === code) &&
        (coupon === undefined || row.promotion.coupon === coupon) &&
        (customer === undefined || row.customer === customer) &&
        matchesCreated(row.created, params),
    );
    return paginate(rows, params, '/v1/promotion_codes');
  });

  /** Codes are unique, regardless of case, among active promotion codes (per customer for restricted ones). */
  function assertCodeFree(promotionCode: PromotionCode): void {
    const taken = findActivePromotionCode(context, promotionCode.code);
    if (taken && taken.id !== promotionCode.id && taken.customer === promotionCode.customer) {
      throw invalidRequest(
        `An active promotion code with \`code: ${promotionCode.code}\` already exists.`,
        'code',
        'resource_already_exists',
      );
    }
  }
}

function newPromotionCode(context: EmulatorContext, params: Params): PromotionCode {
  // `coupon` is the name older API versions (and the Stripe CLI's recipes) give `promotion[coupon]`.
  const legacyCoupon = read.optionalString(params, 'coupon');
  const promotion =
    read.optionalHash(params, 'promotion') ?? (legacyCoupon ? { coupon: legacyCoupon } : null);
  if (!promotion) throw missingParam('promotion');
  if ((read.optionalString(promotion, 'type') ?? 'coupon') !== 'coupon') {
    throw invalidRequest('Invalid promotion[type]: must be coupon', 'promotion[type]');
  }
  const couponId = read.optionalString(promotion, 'coupon');
  if (!couponId) throw missingParam('promotion[coupon]');
  const coupon = coupons(context).find(couponId);
  if (!coupon) throw invalidRequest(`No such coupon: '${couponId}'`, 'promotion[coupon]', 'resource_missing');
  const code = read.optionalString(params, 'code') ?? newId('x', 8).slice(2).toUpperCase();
  if (!/^[A-Za-z0-9-]{1,500}$/.test(code)) {
    throw invalidRequest('Invalid code: use only letters (a-z, A-Z), digits (0-9) and dashes (-).', 'code');
  }
  const expiresAt = read.optionalInteger(params, 'expires_at') ?? null;
  if (expiresAt !== null && coupon.redeem_by !== null && expiresAt > coupon.redeem_by) {
    throw invalidRequest(
      "The promotion code's `expires_at` cannot be after the coupon's `redeem_by`.",
      'expires_at',
    );
  }
  const maxRedemptions = read.optionalInteger(params, 'max_redemptions') ?? null;
  if (maxRedemptions !== null && maxRedemptions < 1)
    throw invalidRequest('Invalid max_redemptions: must be a positive integer.', 'max_redemptions');
  if (maxRedemptions !== null && coupon.max_redemptions !== null && maxRedemptions > coupon.max_redemptions) {
    throw invalidRequest(
      "The promotion code's `max_redemptions` cannot be greater than the coupon's `max_redemptions`.",
      'max_redemptions',
    );
  }
  const customer = read.optionalString(params, 'customer') ?? null;
  if (customer) context.state.table('customer').get(customer, 'customer');
  const restrictions = read.optionalHash(params, 'restrictions') ?? {};
  const minimumAmount = read.optionalInteger(restrictions, 'minimum_amount') ?? null;
  const minimumCurrency = read.optionalString(restrictions, 'minimum_amount_currency')?.toLowerCase() ?? null;
  if ((minimumAmount === null) !== (minimumCurrency === null)) {
    throw invalidRequest(
      'You must pass both restrictions[minimum_amount] and restrictions[minimum_amount_currency].',
      minimumAmount === null ? 'restrictions[minimum_amount]' : 'restrictions[minimum_amount_currency]',
    );
  }
  return {
    id: newId('promo'),
    object: 'promotion_code',
    active: read.optionalBoolean(params, 'active') ?? true,
    code,
    created: context.clock.now(),
    customer,
    customer_account: null,
    expires_at: expiresAt,
    livemode: false,
    max_redemptions: maxRedemptions,
    metadata: applyMetadata({}, params),
    promotion: { coupon: coupon.id, type: 'coupon' },
    restrictions: {
      currency_options: currencyOptions(restrictions),
      first_time_transaction: read.optionalBoolean(restrictions, 'first_time_transaction') ?? false,
      minimum_amount: minimumAmount,
      minimum_amount_currency: minimumCurrency,
    },
    times_redeemed: 0,
  };
}

function currencyOptions(restrictions: Params): Record<string, { minimum_amount: number }> {
  const options = read.optionalHash(restrictions, 'currency_options') ?? {};
  const parsed: Record<string, { minimum_amount: number }> = {};
  for (const [currency, value] of Object.entries(options)) {
    const param = `restrictions[currency_options][${currency}]`;
    const option = typeof value === 'object' && value !== null ? (value as Params) : {};
    const minimum = read.optionalInteger(option, 'minimum_amount');
    if (minimum === undefined || minimum === null) throw missingParam(`${param}[minimum_amount]`);
    parsed[currency.toLowerCase()] = { minimum_amount: minimum };
  }
  return parsed;
}
