import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { previousAttributes } from '../core/events.js';
import { invalidRequest } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { matchesCreated, paginate, searchPage } from '../core/list.js';
import { applyMetadata, optionalHash, optionalString, requiredString, type Params } from '../core/params.js';
import type { StripeObject } from '../core/store.js';
import { requestParams } from '../server.js';

export interface Customer extends StripeObject {
  object: 'customer';
  created: number;
  email: string | null;
  name: string | null;
  metadata: Record<string, string>;
  test_clock: string | null;
  invoice_settings: { default_payment_method: string | null; [key: string]: unknown };
  [key: string]: unknown;
}

export function customers(context: EmulatorContext) {
  return context.state.table<Customer>('customer');
}

export function registerCustomerRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('cus', 'customer');
  const table = customers(context);

  app.post('/v1/customers', async (request) => {
    const params = requestParams(request);
    const now = context.clock.now();
    const customer: Customer = {
      id: newId('cus', 14),
      object: 'customer',
      address: optionalHash(params, 'address') ?? null,
      balance: 0,
      created: now,
      currency: null,
      default_source: null,
      delinquent: false,
      description: optionalString(params, 'description') ?? null,
      discount: null,
      email: optionalString(params, 'email') ?? null,
      invoice_prefix: newId('x', 8).slice(2).toUpperCase(),
      invoice_settings: {
        custom_fields: null,
        default_payment_method: null,
        footer: null,
        rendering_options: null,
      },
      livemode: false,
      metadata: applyMetadata({}, params),
      name: optionalString(params, 'name') ?? null,
      next_invoice_sequence: 1,
      phone: optionalString(params, 'phone') ?? null,
      preferred_locales: [],
      shipping: optionalHash(params, 'shipping') ?? null,
      tax_exempt: 'none',
      test_clock: optionalString(params, 'test_clock') ?? null,
    };
    if (customer.test_clock)
      context.state.table('test_helpers.test_clock').get(customer.test_clock, 'test_clock');
    table.insert(customer);
    context.events.emit('customer.created', customer);
    return customer;
  });

  app.get<{ Params: { id: string } }>('/v1/customers/:id', async (request) => {
    const customer = table.find(request.params.id);
    if (!customer) {
      const deleted = deletedCustomers.get(request.params.id);
      if (deleted) return deleted;
    }
    return table.get(request.params.id);
  });

  app.post<{ Params: { id: string } }>('/v1/customers/:id', async (request) => {
    const params = requestParams(request);
    const customer = table.get(request.params.id);
    const before = structuredClone(customer);
    for (const field of ['email', 'name', 'description', 'phone'] as const) {
      const value = optionalString(params, field);
      if (value !== undefined) customer[field] = value;
    }
    const address = optionalHash(params, 'address');
    if (address !== undefined) customer.address = address;
    const invoiceSettings = optionalHash(params, 'invoice_settings');
    if (invoiceSettings) {
      const paymentMethod = optionalString(invoiceSettings, 'default_payment_method');
      if (paymentMethod !== undefined) customer.invoice_settings.default_payment_method = paymentMethod;
    }
    customer.metadata = applyMetadata(customer.metadata, params);
    const changed = previousAttributes(before, customer);
    if (Object.keys(changed).length > 0) {
      context.events.emit('customer.updated', customer, { previousAttributes: changed });
    }
    return customer;
  });

  const deletedCustomers = new Map<string, StripeObject>();
  context.state.onReset(() => deletedCustomers.clear());

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
    const email = optionalString(params, 'email');
    const testClock = optionalString(params, 'test_clock');
    const rows = table.list(
      (row) =>
        (email === undefined || row.email === email) &&
        (testClock === undefined || row.test_clock === testClock) &&
        matchesCreated(row.created, params),
    );
    return paginate(rows, params, '/v1/customers');
  });

  app.get('/v1/customers/search', async (request) => {
    const params = requestParams(request);
    const matcher = parseCustomerQuery(requiredString(params, 'query'));
    return searchPage(table.list(matcher), params, '/v1/customers/search');
  });
}

/**
 * A subset of Stripe's search query language for customers: `field:'value'` clauses (email, name, phone,
 * metadata['key']) joined by AND or OR (not mixed), with `~` for substring match on email and name.
 */
function parseCustomerQuery(query: string): (customer: Customer) => boolean {
  const clausePattern = /^(email|name|phone|metadata\['([^']+)'\])\s*(:|~)\s*'((?:[^'\\]|\\.)*)'$/;
  const joiner = / OR /.test(query) ? ' OR ' : ' AND ';
  if (query.includes(' OR ') && query.includes(' AND ')) {
    throw invalidRequest('Search queries cannot mix AND and OR.', 'query');
  }
  const clauses = query.split(joiner).map((text) => {
    const match = clausePattern.exec(text.trim());
    if (!match) throw invalidRequest(`Invalid search query: ${text.trim()}`, 'query');
    const [, field = '', metadataKey, operator, rawValue = ''] = match;
    const value = rawValue.replace(/\\'/g, "'");
    return (customer: Customer): boolean => {
      const actual = metadataKey !== undefined ? customer.metadata[metadataKey] : (customer as Params)[field];
      if (typeof actual !== 'string') return false;
      return operator === '~' ? actual.toLowerCase().includes(value.toLowerCase()) : actual === value;
    };
  });
  return joiner === ' OR '
    ? (c) => clauses.some((clause) => clause(c))
    : (c) => clauses.every((clause) => clause(c));
}
