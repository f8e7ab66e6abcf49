// Legacy customer sources: cards saved from a `tok_` token under /v1/customers/:id/sources, with customer.source.* events.
import type { FastifyInstance } from 'fastify';
import { cardNumberForToken, findTestCard } from '../billing/test-cards.js';
import { clockOfCustomer, emitOn, nowForCustomer } from '../billing/time.js';
import type { EmulatorContext } from '../core/context.js';
import { resourceMissing, StripeError } from '../core/errors.js';
import { previousAttributes } from '../core/events.js';
import { newId } from '../core/ids.js';
import { paginate } from '../core/list.js';
import { applyMetadata, optionalInteger, optionalString, requiredString } from '../core/params.js';
import { requestParams } from '../core/request-params.js';
import type { StripeObject } from '../core/store.js';
import { customers } from './customer-object.js';

interface CardSource extends StripeObject {
  object: 'card';
  customer: string;
  metadata: Record<string, string>;
}

const UPDATE_PARAMS = [
  'address_city',
  'address_country',
  'address_line1',
  'address_line2',
  'address_state',
  'address_zip',
  'exp_month',
  'exp_year',
  'metadata',
  'name',
];
const BRAND_NAMES: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'MasterCard',
  amex: 'American Express',
};

export function registerCustomerSourceRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('card', 'card');
  const table = context.state.table<CardSource>('card');

  function sourceOf(customerId: string, id: string): CardSource {
    customers(context).get(customerId, 'customer');
    const source = table.find(id);
    if (!source || source.customer !== customerId) throw resourceMissing('source', id);
    return source;
  }

  app.post<{ Params: { id: string } }>('/v1/customers/:id/sources', async (request) => {
    const params = requestParams(request);
    const customer = customers(context).get(request.params.id, 'customer');
    const token = requiredString(params, 'source');
    const number = cardNumberForToken(token);
    const card = number ? findTestCard(number) : undefined;
    if (!card) throw resourceMissing('token', token, 'source');
    if (card.behaviour === 'declines' && card.decline) {
      throw new StripeError(402, 'card_error', card.decline.message, {
        code: card.decline.code,
        decline_code: card.decline.decline_code,
      });
    }
    const now = nowForCustomer(context, customer.id);
    const source: CardSource = {
      id: newId('card'),
      object: 'card',
      address_city: null,
      address_country: null,
      address_line1: null,
      address_line1_check: null,
      address_line2: null,
      address_state: null,
      address_zip: null,
      address_zip_check: null,
      brand: BRAND_NAMES[card.brand] ?? card.brand,
      country: card.country,
      customer: customer.id,
      cvc_check: 'pass',
      dynamic_last4: null,
      exp_month: 12,
      exp_year: new Date(now * 1000).getUTCFullYear() + 3,
      fingerprint: `fp${card.number.slice(-8)}`,
      funding: card.funding,
      last4: card.number.slice(-4),
      metadata: applyMetadata({}, params),
      name: null,
      regulated_status: 'unregulated',
      tokenization_method: null,
    };
    table.insert(source);
    const clock = clockOfCustomer(context, customer.id);
    emitOn(context, clock, 'customer.source.created', source);
    // The first source becomes the customer's default, as on Stripe.
    if (!customer.default_source) {
      customer.default_source = source.id;
      emitOn(context, clock, 'customer.updated', customer, { default_source: null });
    }
    return source;
  });

  app.get<{ Params: { id: string } }>('/v1/customers/:id/sources', async (request) => {
    customers(context).get(request.params.id, 'customer');
    const rows = table.list((row) => row.customer === request.params.id);
    return paginate(rows, requestParams(request), `/v1/customers/${request.params.id}/sources`);
  });

  app.get<{ Params: { id: string; source: string } }>('/v1/customers/:id/sources/:source', async (request) =>
    sourceOf(request.params.id, request.params.source),
  );

  app.post<{ Params: { id: string; source: string } }>(
    '/v1/customers/:id/sources/:source',
    async (request) => {
      const params = requestParams(request);
      const source = sourceOf(request.params.id, request.params.source);
      const before = structuredClone(source);
      source.metadata = applyMetadata(source.metadata, params);
      for (const field of UPDATE_PARAMS.filter((name) => name.startsWith('address_') || name === 'name')) {
        const value = optionalString(params, field);
        if (value !== undefined) source[field] = value;
      }
      for (const field of ['exp_month', 'exp_year'] as const) {
        const value = optionalInteger(params, field);
        if (value !== undefined && value !== null) source[field] = value;
      }
      const changed = previousAttributes(before, source);
      if (Object.keys(changed).length > 0) {
        emitOn(
          context,
          clockOfCustomer(context, source.customer),
          'customer.source.updated',
          source,
          changed,
        );
      }
      return source;
    },
  );

  app.delete<{ Params: { id: string; source: string } }>(
    '/v1/customers/:id/sources/:source',
    async (request) => {
      const source = sourceOf(request.params.id, request.params.source);
      table.delete(source.id);
      const customer = customers(context).get(source.customer, 'customer');
      const clock = clockOfCustomer(context, customer.id);
      emitOn(context, clock, 'customer.source.deleted', source);
      if (customer.default_source === source.id) {
        customer.default_source = table.list((row) => row.customer === customer.id)[0]?.id ?? null;
        emitOn(context, clock, 'customer.updated', customer, { default_source: source.id });
      }
      return { id: source.id, object: 'card', deleted: true };
    },
  );
}
