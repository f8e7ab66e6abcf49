// Reading a customer's nested params: address, shipping, invoice settings.
import { invalidRequest } from '../core/errors.js';
import { optionalArray, optionalHash, optionalString, requiredString, type Params } from '../core/params.js';
import type { Address, Customer, Shipping } from './customer-object.js';

const ADDRESS_KEYS = ['city', 'country', 'line1', 'line2', 'postal_code', 'state'] as const;

/** An address hash as Stripe stores it: all six keys, unset ones null; `address=""` clears it. */
export function addressFrom(params: Params, name: string): Address | null {
  const hash = optionalHash(params, name);
  if (!hash) return null;
  const address = {} as Address;
  for (const key of ADDRESS_KEYS) address[key] = optionalString(hash, key) ?? null;
  return address;
}

export function shippingFrom(params: Params): Shipping | null {
  const hash = optionalHash(params, 'shipping');
  if (!hash) return null;
  const address = addressFrom(hash, 'address');
  if (!address) throw invalidRequest('Missing required param: shipping[address].', 'shipping[address]');
  return { address, name: requiredString(hash, 'name'), phone: optionalString(hash, 'phone') ?? null };
}

/** Merges an `invoice_settings` hash into the current settings (each sub-field may be unset with ""). */
export function invoiceSettingsFrom(
  params: Params,
  current: Customer['invoice_settings'],
  checkDefaultPaymentMethod: (paymentMethodId: string) => void,
): Customer['invoice_settings'] {
  const hash = optionalHash(params, 'invoice_settings');
  const next = { ...current };
  if (!hash) return next;
  const paymentMethod = optionalString(hash, 'default_payment_method');
  if (paymentMethod) checkDefaultPaymentMethod(paymentMethod);
  if (paymentMethod !== undefined) next.default_payment_method = paymentMethod;
  const footer = optionalString(hash, 'footer');
  if (footer !== undefined) next.footer = footer;
  const fields = optionalArray(hash, 'custom_fields');
  if (hash.custom_fields === '') next.custom_fields = null;
  if (fields) {
    if (fields.length > 4)
      throw invalidRequest('At most 4 custom fields.', 'invoice_settings[custom_fields]');
    next.custom_fields = fields.map((field) => {
      const entry = (typeof field === 'object' && field !== null ? field : {}) as Params;
      return { name: requiredString(entry, 'name'), value: requiredString(entry, 'value') };
    });
  }
  const rendering = optionalHash(hash, 'rendering_options');
  if (rendering === null) next.rendering_options = null;
  if (rendering) {
    next.rendering_options = {
      amount_tax_display: optionalString(rendering, 'amount_tax_display') ?? null,
      template: optionalString(rendering, 'template') ?? null,
    };
  }
  return next;
}
