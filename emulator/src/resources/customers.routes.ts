// The /v1/customers routes: create, retrieve, update, delete, list, search.
import type { FastifyInstance } from 'fastify';
import { applyCustomerCoupon, redeemableCoupon, removeCustomerDiscount } from '../billing/discounts.js';
import { attachPaymentMethod, paymentMethods, resolvePaymentMethod } from '../billing/payment-methods.js';
import { clockOfCustomer, nowOn } from '../billing/time.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, resourceMissing } from '../core/errors.js';
import { previousAttributes } from '../core/events.js';
import { matchesCreated, paginate } from '../core/list.js';
import * as read from '../core/params.js';
import { applyMetadata, type Params } from '../core/params.js';
import { searchTable, type SearchField } from '../core/search.js';
import { sideData, type StripeObject } from '../core/store.js';
import { requestParams } from '../core/request-params.js';
import { addressFrom, invoiceSettingsFrom, shippingFrom } from './customer-fields.js';
import { customers, insertCustomer, newCustomer, type Customer } from './customer-object.js';

const TAX_EXEMPT = ['none', 'exempt', 'reverse'] as const;

/** What `/v1/customers/search` queries can name (metadata is always searchable). */
const SEARCHABLE_FIELDS: Record<string, SearchField<Customer>> = {
  created: (row) => row.created,
  email: (row) => row.email,
  name: (row) => row.name,
  phone: (row) => row.phone as string | null,
};

/** Tombstones of deleted customers, which retrieve still answers (`deleted: true`). */
const deletedCustomerTombstones = sideData('deleted_customers', () => new Map<string, StripeObject>());

export function registerCustomerRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('cus', 'customer');
  const table = customers(context);
  const deletedCustomers = deletedCustomerTombstones(context);

  app.post('/v1/customers', async (request) => {
    const params = requestParams(request);
    const testClock = read.optionalString(params, 'test_clock') ?? null;
    if (testClock) context.state.table('test_helpers.test_clock').get(testClock, 'test_clock');
    const customer = newCustomer({
      created: nowOn(context, testClock),
      testClock,
      metadata: applyMetadata({}, params),
    });
    const paymentMethodId = read.optionalString(params, 'payment_method');
    // Resolve before inserting, so an unknown payment method leaves no customer behind.
    const paymentMethod = paymentMethodId
      ? resolvePaymentMethod(context, paymentMethodId, 'payment_method', customer.created)
      : undefined;
    const settings = read.optionalHash(params, 'invoice_settings');
    // The payment method this request attaches may be named as the default too (a `pm_card_visa` test value
    // included: it names the payment method minted from it).
    const defaultIsAttached =
      paymentMethod !== undefined && settings?.default_payment_method === paymentMethodId;
    applyCustomerFields(
      context,
      customer,
      defaultIsAttached
        ? { ...params, invoice_settings: { ...settings, default_payment_method: undefined } }
        : params,
    );
    if (defaultIsAttached) customer.invoice_settings.default_payment_method = paymentMethod.id;
    const couponId = read.optionalString(params, 'coupon');
    if (couponId) redeemableCoupon(context, couponId, 'coupon', customer.created);
    insertCustomer(context, customer);
    if (couponId) applyCustomerCoupon(context, customer, couponId);
    if (paymentMethod) attachPaymentMethod(context, paymentMethod, customer.id);
    return customer;
  });

  app.get<{ Params: { id: string } }>('/v1/customers/:id', async (request) => {
    return deletedCustomers.get(request.params.id) ?? table.get(request.params.id);
  });

  app.post<{ Params: { id: string } }>('/v1/customers/:id', async (request) => {
    const params = requestParams(request);
    const customer = table.get(request.params.id);
    const before = structuredClone(customer);
    applyCustomerFields(context, customer, params);
    customer.metadata = applyMetadata(customer.metadata, params);
    const couponId = read.optionalString(params, 'coupon');
    if (couponId !== undefined) applyCustomerCoupon(context, customer, couponId);
    const changed = previousAttributes(before, customer);
    if (Object.keys(changed).length > 0) {
      context.events.emit('customer.updated', customer, { previousAttributes: changed });
    }
    return customer;
  });

  app.delete<{ Params: { id: string } }>('/v1/customers/:id/discount', async (request) => {
    const customer = table.get(request.params.id);
    const before = structuredClone(customer);
    const removed = removeCustomerDiscount(context, customer, clockOfCustomer(context, customer.id));
    if (!removed) throw resourceMissing('discount', `${customer.id}/discount`, 'customer');
    context.events.emit('customer.updated', customer, {
      previousAttributes: previousAttributes(before, customer),
    });
    return { ...removed, deleted: true };
  });

  app.delete<{ Params: { id: string } }>('/v1/customers/:id', async (request) => {
    const customer = table.get(request.params.id);
    table.delete(customer.id);
    const tombstone = { id: customer.id, object: 'customer', deleted: true };
    deletedCustomers.set(customer.id, tombstone);
    context.events.emit('customer.deleted', customer);
    return tombstone;
  });

  app.get('/v1/customers', async (request) => {
    const params = requestParams(request);
    const email = read.optionalString(params, 'email');
    const testClock = read.optionalString(params, 'test_clock');
    const rows = table.list(
      (row) =>
        (email === undefined || row.email === email) &&
        (testClock === undefined || row.test_clock === testClock) &&
        matchesCreated(row.created, params),
    );
    return paginate(rows, params, '/v1/customers');
  });

  app.get('/v1/customers/search', async (request) =>
    searchTable(table, requestParams(request), SEARCHABLE_FIELDS, '/v1/customers/search'),
  );
}

/** Fields create and update share; an empty string unsets, as on Stripe. */
function applyCustomerFields(context: EmulatorContext, customer: Customer, params: Params): void {
  for (const field of ['email', 'name', 'description', 'phone'] as const) {
    const value = read.optionalString(params, field);
    if (value !== undefined) customer[field] = value;
  }
  const balance = read.optionalInteger(params, 'balance');
  if (balance !== undefined) customer.balance = balance ?? 0;
  const nextSequence = read.optionalInteger(params, 'next_invoice_sequence');
  if (nextSequence !== undefined && nextSequence !== null) {
    if (nextSequence < 1)
      throw invalidRequest('next_invoice_sequence must be at least 1.', 'next_invoice_sequence');
    customer.next_invoice_sequence = nextSequence;
  }
  const invoicePrefix = read.optionalString(params, 'invoice_prefix');
  if (invoicePrefix) {
    if (!/^[A-Z0-9]{3,12}$/.test(invoicePrefix)) {
      throw invalidRequest('invoice_prefix must be 3–12 uppercase letters or numbers.', 'invoice_prefix');
    }
    customer.invoice_prefix = invoicePrefix;
  }
  const locales = read.optionalStringArray(params, 'preferred_locales');
  if (locales !== undefined) customer.preferred_locales = locales;
  else if (params.preferred_locales === '') customer.preferred_locales = [];
  const taxExempt = read.optionalEnum(params, 'tax_exempt', TAX_EXEMPT);
  if (taxExempt !== undefined) customer.tax_exempt = taxExempt;
  else if (params.tax_exempt === '') customer.tax_exempt = 'none';
  if (params.address !== undefined) customer.address = addressFrom(params, 'address');
  if (params.shipping !== undefined) customer.shipping = shippingFrom(params);
  if (params.invoice_settings !== undefined) {
    customer.invoice_settings = invoiceSettingsFrom(params, customer.invoice_settings, (paymentMethodId) =>
      checkDefaultPaymentMethod(context, customer.id, paymentMethodId),
    );
  }
}

/** Stripe accepts as default only a payment method attached to this customer. */
function checkDefaultPaymentMethod(
  context: EmulatorContext,
  customerId: string,
  paymentMethodId: string,
): void {
  const param = 'invoice_settings[default_payment_method]';
  const paymentMethod = paymentMethods(context).find(paymentMethodId);
  if (!paymentMethod)
    throw invalidRequest(`No such PaymentMethod: '${paymentMethodId}'`, param, 'resource_missing');
  if (paymentMethod.customer !== customerId) {
    throw invalidRequest(
      `The customer does not have a payment method with the ID ${paymentMethodId}. The payment method must be attached to the customer.`,
      param,
    );
  }
}
