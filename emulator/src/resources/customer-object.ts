// The customer object: its type, its table, and building and storing a new one.
import type { EmulatorContext } from '../core/context.js';
import { newId } from '../core/ids.js';
import type { StripeObject } from '../core/store.js';

export interface Address {
  city: string | null;
  country: string | null;
  line1: string | null;
  line2: string | null;
  postal_code: string | null;
  state: string | null;
}

export interface Shipping {
  address: Address;
  name: string;
  phone: string | null;
}

export interface Customer extends StripeObject {
  object: 'customer';
  address: Address | null;
  balance: number;
  created: number;
  currency: string | null;
  email: string | null;
  invoice_prefix: string;
  name: string | null;
  next_invoice_sequence: number;
  metadata: Record<string, string>;
  shipping: Shipping | null;
  test_clock: string | null;
  invoice_settings: {
    custom_fields: Array<{ name: string; value: string }> | null;
    default_payment_method: string | null;
    footer: string | null;
    rendering_options: { amount_tax_display: string | null; template: string | null } | null;
  };
  [key: string]: unknown;
}

export interface NewCustomerFields {
  created: number;
  testClock: string | null;
  email?: string | null;
  name?: string | null;
  currency?: string | null;
  metadata?: Record<string, string>;
}

/**
 * The one place a customer object is shaped: `POST /v1/customers` and checkout (which creates the customer of a
 * session) both start here, so the two can never carry different keys.
 */
export function newCustomer(fields: NewCustomerFields): Customer {
  return {
    id: newId('cus', 14),
    object: 'customer',
    address: null,
    balance: 0,
    created: fields.created,
    currency: fields.currency ?? null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: fields.email ?? null,
    invoice_prefix: newId('x', 8).slice(2).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: fields.metadata ?? {},
    name: fields.name ?? null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: fields.testClock,
  };
}

export function customers(context: EmulatorContext) {
  return context.state.table<Customer>('customer');
}

/** Stores a new customer and announces it (`customer.created`, at the customer's own creation time). */
export function insertCustomer(context: EmulatorContext, customer: Customer): Customer {
  customers(context).insert(customer);
  context.events.emit('customer.created', customer, { created: customer.created });
  return customer;
}
