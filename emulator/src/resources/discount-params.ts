// Reading a `discounts` param ([{coupon} | {promotion_code} | {discount}]) into what to redeem.
import { discounts, redeemableCoupon, type DiscountRequest } from '../billing/discounts.js';
import { redeemablePromotionCode, type Redemption } from '../billing/promotion-codes.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import * as read from '../core/params.js';
import type { Params } from '../core/params.js';

/**
 * `discounts` checked against the redemption (who redeems, for what amount): undefined when absent, `[]` when sent
 * empty (remove them all). Each entry names exactly one of `coupon`, `promotion_code` or `discount`; `maximum`
 * limits their number (Checkout takes one).
 */
export function parseDiscounts(
  context: EmulatorContext,
  params: Params,
  redemption: Redemption,
  options: { maximum?: number; allowExisting?: boolean } = {},
): DiscountRequest[] | undefined {
  if (params.discounts === '') return [];
  const raw = read.optionalArray(params, 'discounts');
  if (raw === undefined) return undefined;
  if (options.maximum !== undefined && raw.length > options.maximum) {
    throw invalidRequest(
      `You may only specify ${options.maximum === 1 ? 'one discount' : `up to ${options.maximum} discounts`}.`,
      'discounts',
    );
  }
  return raw.map((entry, index): DiscountRequest => {
    const param = `discounts[${index}]`;
    const item = typeof entry === 'object' && entry !== null ? (entry as Params) : {};
    const coupon = read.optionalString(item, 'coupon');
    const promotionCode = read.optionalString(item, 'promotion_code');
    const discount = options.allowExisting === false ? undefined : read.optionalString(item, 'discount');
    const given = [coupon, promotionCode, discount].filter(Boolean).length;
    if (given !== 1) {
      throw invalidRequest(
        `You must specify exactly one of coupon, promotion_code${options.allowExisting === false ? '' : ' or discount'} in ${param}.`,
        param,
      );
    }
    if (coupon)
      return {
        source: {
          coupon: redeemableCoupon(context, coupon, `${param}[coupon]`, redemption.now),
          promotionCode: null,
        },
      };
    if (promotionCode) {
      return {
        source: redeemablePromotionCode(context, promotionCode, `${param}[promotion_code]`, redemption),
      };
    }
    const existing = discounts(context).find(discount ?? '');
    if (!existing || existing.customer !== redemption.customer) {
      throw invalidRequest(`No such discount: '${discount}'`, `${param}[discount]`, 'resource_missing');
    }
    return { existing };
  });
}
