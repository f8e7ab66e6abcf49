// The Stripe gateway: the only place that constructs the SDK client. Every call goes through the circuit
// breaker, is timed, and has its errors mapped to AppError. Writes take our own idempotency key explicitly,
// derived from a row we stored first, so a retry can never create a second object.
import Stripe from 'stripe';
import { Histogram, type Registry } from 'prom-client';
import type { StripeSettings } from '../config/stripe.js';
import { SpanKind } from '@opentelemetry/api';
import type { Logger } from '../observability/logger.js';
import { inSpan, isTracingEnabled } from '../observability/tracing.js';
import { createStripeCircuit, type StripeCircuit } from './circuit-breaker.js';
import { toAppError } from './stripe-errors.js';
import type * as T from './types.js';

/** The Stripe API version this service is written against; the SDK sends it with every request. */
export const STRIPE_API_VERSION = '2026-10-28.endive' as const;

export type StripeGateway = ReturnType<typeof createStripeGateway>;

export function createStripeGateway(settings: StripeSettings, logger: Logger, registry: Registry) {
  const client = createStripeClient(settings);
  const circuit = createStripeCircuit(settings.breaker);
  const duration = new Histogram({
    name: 'stripe_request_duration_seconds',
    help: 'Stripe API calls by operation and outcome (ok, or our error code), including SDK retries.',
    labelNames: ['operation', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const log = logger.child({ component: 'stripe' });

  function call<Result>(operation: string, request: () => Promise<Result>): Promise<Result> {
    if (!isTracingEnabled()) return timedCall(operation, request);
    const attributes = { 'rpc.system': 'stripe', 'rpc.method': operation };
    return inSpan(`stripe ${operation}`, attributes, () => timedCall(operation, request), SpanKind.CLIENT);
  }

  async function timedCall<Result>(operation: string, request: () => Promise<Result>): Promise<Result> {
    const stopTimer = duration.startTimer({ operation });
    try {
      const result = await circuit.run(request);
      stopTimer({ outcome: 'ok' });
      return result;
    } catch (error) {
      const mapped = toAppError(error, operation);
      stopTimer({ outcome: mapped.code });
      if (mapped.statusCode >= 500) log.warn({ err: error, operation }, 'stripe call failed');
      throw mapped;
    }
  }
  const key = (idempotencyKey: string) => ({ idempotencyKey });
  const page = (request: T.PageRequest = {}) => ({
    limit: request.limit ?? 100,
    ...(request.startingAfter === undefined ? {} : { starting_after: request.startingAfter }),
  });

  return {
    circuit: circuit satisfies StripeCircuit,
    /** A cheap read that lets a half-open breaker find out whether Stripe is back. */
    probe: () => call('probe', () => client.products.list({ limit: 1 })).then(() => undefined),

    createCustomer: (params: Stripe.CustomerCreateParams, idempotencyKey: string) =>
      call('customers.create', () => client.customers.create(params, key(idempotencyKey))),
    retrieveCustomer: (id: string) => call('customers.retrieve', () => client.customers.retrieve(id)),
    searchCustomers: (query: string) =>
      call('customers.search', () => client.customers.search({ query, limit: 10 })),
    listCustomers: (request?: T.PageRequest) =>
      call('customers.list', () => client.customers.list(page(request))),

    retrieveProduct: (id: string) => call('products.retrieve', () => client.products.retrieve(id)),
    retrievePrice: (id: string) => call('prices.retrieve', () => client.prices.retrieve(id)),
    listProducts: (request?: T.PageRequest) =>
      call('products.list', () => client.products.list(page(request))),
    listPrices: (request?: T.PageRequest) => call('prices.list', () => client.prices.list(page(request))),

    createCheckoutSession: (params: T.StripeCheckoutSessionCreateParams, idempotencyKey: string) =>
      call('checkout.sessions.create', () => client.checkout.sessions.create(params, key(idempotencyKey))),
    retrieveCheckoutSession: (id: string) =>
      call('checkout.sessions.retrieve', () =>
        client.checkout.sessions.retrieve(id, { expand: ['line_items'] }),
      ),

    retrieveSubscription: (id: string) =>
      call('subscriptions.retrieve', () => client.subscriptions.retrieve(id)),
    listSubscriptions: (request?: T.PageRequest & { customer?: string }) =>
      call('subscriptions.list', () =>
        client.subscriptions.list({
          ...page(request),
          status: 'all',
          ...(request?.customer === undefined ? {} : { customer: request.customer }),
        }),
      ),
    updateSubscription: (id: string, params: T.StripeSubscriptionUpdateParams, idempotencyKey: string) =>
      call('subscriptions.update', () => client.subscriptions.update(id, params, key(idempotencyKey))),
    cancelSubscription: (id: string, params: T.StripeSubscriptionCancelParams, idempotencyKey: string) =>
      call('subscriptions.cancel', () => client.subscriptions.cancel(id, params, key(idempotencyKey))),
    previewInvoice: (params: T.StripeInvoiceCreatePreviewParams) =>
      call('invoices.createPreview', () => client.invoices.createPreview(params)),

    retrieveInvoice: (id: string) => call('invoices.retrieve', () => client.invoices.retrieve(id)),
    listInvoices: (request?: T.PageRequest) =>
      call('invoices.list', () => client.invoices.list(page(request))),
    retrievePaymentIntent: (id: string) =>
      call('paymentIntents.retrieve', () => client.paymentIntents.retrieve(id)),
    retrieveCharge: (id: string) =>
      call('charges.retrieve', () => client.charges.retrieve(id, { expand: ['refunds'] })),
    listEvents: (request: T.PageRequest & { createdGte?: number }) =>
      call('events.list', () =>
        client.events.list({
          ...page(request),
          ...(request.createdGte === undefined ? {} : { created: { gte: request.createdGte } }),
        }),
      ),

    listWebhookEndpoints: (request?: T.PageRequest) =>
      call('webhookEndpoints.list', () => client.webhookEndpoints.list(page(request))),
    createWebhookEndpoint: (params: T.StripeWebhookEndpointCreateParams, idempotencyKey: string) =>
      call('webhookEndpoints.create', () => client.webhookEndpoints.create(params, key(idempotencyKey))),
    updateWebhookEndpoint: (id: string, params: T.StripeWebhookEndpointUpdateParams) =>
      call('webhookEndpoints.update', () => client.webhookEndpoints.update(id, params)),

    listPortalConfigurations: () =>
      call('billingPortal.configurations.list', () =>
        client.billingPortal.configurations.list({ is_default: true, active: true, limit: 1 }),
      ),
    createPortalConfiguration: (params: T.StripePortalConfigurationCreateParams, idempotencyKey: string) =>
      call('billingPortal.configurations.create', () =>
        client.billingPortal.configurations.create(params, key(idempotencyKey)),
      ),
    createPortalSession: (params: Stripe.BillingPortal.SessionCreateParams, idempotencyKey: string) =>
      call('billingPortal.sessions.create', () =>
        client.billingPortal.sessions.create(params, key(idempotencyKey)),
      ),
  };
}

function createStripeClient(settings: StripeSettings): Stripe {
  const target = settings.apiBase === undefined ? {} : hostOptions(settings.apiBase);
  return new Stripe(settings.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    timeout: settings.timeoutMs,
    maxNetworkRetries: settings.maxNetworkRetries,
    telemetry: false,
    appInfo: { name: 'billing-service' },
    ...target,
  });
}

function hostOptions(apiBase: string): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  const url = new URL(apiBase);
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return {
    host: url.hostname,
    port: Number(url.port || (protocol === 'https' ? 443 : 80)),
    protocol,
  };
}
