// The Stripe gateway: the only place that constructs the SDK client. Every call goes through the circuit
// breaker, is timed, and has its errors mapped to AppError. Writes take our own idempotency key explicitly,
// derived from a row we stored first, so a retry can never create a second object. Results are typed as our own
// objects (stripe-objects.ts), parameters as our own (stripe-params.ts): no SDK type leaves src/stripe/.
import Stripe from 'stripe';
import type { Registry } from 'prom-client';
import type { StripeSettings } from '../config/stripe.js';
import { SpanKind } from '@opentelemetry/api';
import type { Logger } from '../observability/logger.js';
import { inSpan, isTracingEnabled } from '../observability/tracing.js';
import { isInsideTransaction } from '../db/transaction.js';
import { createStripeCircuit, type StripeCircuit } from './circuit-breaker.js';
import { toAppError } from './stripe-errors.js';
import { stripeMetricsFor } from './stripe-metrics.js';
import type * as O from './stripe-objects.js';
import type * as P from './stripe-params.js';

/** The Stripe API version this service is written against; the SDK sends it with every request. */
export const STRIPE_API_VERSION = '2026-10-28.endive' as const;

export type StripeGateway = ReturnType<typeof createStripeGateway>;

export function createStripeGateway(settings: StripeSettings, logger: Logger, registry: Registry) {
  const client = createStripeClient(settings);
  const circuit = createStripeCircuit(settings.breaker);
  const duration = stripeMetricsFor(registry).requestDurationSeconds;
  const log = logger.child({ component: 'stripe' });

  function call<Result>(operation: string, request: () => Promise<Result>): Promise<Result> {
    // A Stripe call takes up to the timeout (and its retries): a transaction open meanwhile holds its locks and
    // its connection that long, and a failover in that window fails the work. Fetch first, then open the
    // transaction, lock, re-check and write (docs/architecture.md, "Failure paths").
    if (isInsideTransaction()) return Promise.reject(new StripeCallInTransactionError(operation));
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
  const page = (request: O.PageRequest = {}) => ({
    limit: request.limit ?? 100,
    ...(request.startingAfter === undefined ? {} : { starting_after: request.startingAfter }),
  });

  return {
    circuit: circuit satisfies StripeCircuit,
    /** A cheap read that lets a half-open breaker find out whether Stripe is back. */
    probe: () => call('probe', () => client.products.list({ limit: 1 })).then(() => undefined),

    /** The account the secret key belongs to: whose objects every listing returns. */
    retrieveAccount: (): Promise<O.StripeAccount> =>
      call('accounts.retrieveCurrent', () => client.accounts.retrieveCurrent()),

    createCustomer: (params: P.CustomerCreateParams, idempotencyKey: string): Promise<O.StripeCreated> =>
      call('customers.create', () => client.customers.create(params, key(idempotencyKey))),
    retrieveCustomer: (id: string): Promise<O.StripeCustomer | O.StripeDeletedCustomer> =>
      call('customers.retrieve', () => client.customers.retrieve(id)),
    searchCustomers: (query: string): Promise<O.StripePage<O.StripeCustomer>> =>
      call('customers.search', () => client.customers.search({ query, limit: 10 })),
    listCustomers: (request?: O.PageRequest): Promise<O.StripePage<O.StripeCustomer>> =>
      call('customers.list', () => client.customers.list(page(request))),

    retrieveProduct: (id: string): Promise<O.StripeProduct> =>
      call('products.retrieve', () => client.products.retrieve(id)),
    retrievePrice: (id: string): Promise<O.StripePrice> =>
      call('prices.retrieve', () => client.prices.retrieve(id)),
    listProducts: (request?: O.PageRequest): Promise<O.StripePage<O.StripeProduct>> =>
      call('products.list', () => client.products.list(page(request))),
    listPrices: (request?: O.PageRequest): Promise<O.StripePage<O.StripePrice>> =>
      call('prices.list', () => client.prices.list(page(request))),

    createCheckoutSession: (
      params: P.CheckoutSessionCreateParams,
      idempotencyKey: string,
    ): Promise<O.StripeCheckoutSession> =>
      call('checkout.sessions.create', () => client.checkout.sessions.create(params, key(idempotencyKey))),
    retrieveCheckoutSession: (id: string): Promise<O.StripeCheckoutSession> =>
      call('checkout.sessions.retrieve', () =>
        client.checkout.sessions.retrieve(id, { expand: ['line_items'] }),
      ),

    retrieveSubscription: (id: string): Promise<O.StripeSubscription> =>
      call('subscriptions.retrieve', () => client.subscriptions.retrieve(id)),
    listSubscriptions: (
      request?: O.PageRequest & { customer?: string },
    ): Promise<O.StripePage<O.StripeSubscription>> =>
      call('subscriptions.list', () =>
        client.subscriptions.list({
          ...page(request),
          status: 'all',
          ...(request?.customer === undefined ? {} : { customer: request.customer }),
        }),
      ),
    updateSubscription: (
      id: string,
      params: P.SubscriptionUpdateParams,
      idempotencyKey: string,
    ): Promise<O.StripeSubscription> =>
      call('subscriptions.update', () => client.subscriptions.update(id, params, key(idempotencyKey))),
    cancelSubscription: (
      id: string,
      params: P.SubscriptionCancelParams,
      idempotencyKey: string,
    ): Promise<O.StripeSubscription> =>
      call('subscriptions.cancel', () => client.subscriptions.cancel(id, params, key(idempotencyKey))),
    previewInvoice: (params: P.InvoicePreviewParams): Promise<O.StripeInvoicePreview> =>
      call('invoices.createPreview', () => client.invoices.createPreview(params)),

    retrieveInvoice: (id: string): Promise<O.StripeInvoice> =>
      call('invoices.retrieve', () => client.invoices.retrieve(id)),
    listInvoices: (request?: O.PageRequest): Promise<O.StripePage<O.StripeInvoice>> =>
      call('invoices.list', () => client.invoices.list(page(request))),
    retrieveCharge: (id: string): Promise<O.StripeCharge> =>
      call('charges.retrieve', () => client.charges.retrieve(id, { expand: ['refunds'] })),
    createRefund: (params: P.RefundCreateParams, idempotencyKey: string): Promise<O.StripeRefund> =>
      call('refunds.create', () => client.refunds.create(params, key(idempotencyKey))),
    listEvents: (
      request: O.PageRequest & { createdGte?: number },
    ): Promise<O.StripePage<O.StripeEventObject>> =>
      call('events.list', () =>
        client.events.list({
          ...page(request),
          ...(request.createdGte === undefined ? {} : { created: { gte: request.createdGte } }),
        }),
      ),

    listWebhookEndpoints: (request?: O.PageRequest): Promise<O.StripePage<O.StripeWebhookEndpoint>> =>
      call('webhookEndpoints.list', () => client.webhookEndpoints.list(page(request))),
    createWebhookEndpoint: (
      params: P.WebhookEndpointCreateParams,
      idempotencyKey: string,
    ): Promise<O.StripeWebhookEndpoint> =>
      call('webhookEndpoints.create', () =>
        client.webhookEndpoints.create(
          {
            ...params,
            // Our event type names are plain strings; the SDK lists the ones it knows.
            enabled_events: params.enabled_events as Stripe.WebhookEndpointCreateParams.EnabledEvent[],
            api_version: params.api_version as Stripe.WebhookEndpointCreateParams.ApiVersion,
          },
          key(idempotencyKey),
        ),
      ),
    updateWebhookEndpoint: (
      id: string,
      params: P.WebhookEndpointUpdateParams,
    ): Promise<O.StripeWebhookEndpoint> =>
      call('webhookEndpoints.update', () =>
        client.webhookEndpoints.update(id, {
          ...params,
          enabled_events: params.enabled_events as Stripe.WebhookEndpointUpdateParams.EnabledEvent[],
        }),
      ),

    listPortalConfigurations: (): Promise<O.StripePage<O.StripeCreated>> =>
      call('billingPortal.configurations.list', () =>
        client.billingPortal.configurations.list({ is_default: true, active: true, limit: 1 }),
      ),
    createPortalConfiguration: (
      params: P.PortalConfigurationCreateParams,
      idempotencyKey: string,
    ): Promise<O.StripeCreated> =>
      call('billingPortal.configurations.create', () =>
        client.billingPortal.configurations.create(params, key(idempotencyKey)),
      ),
    createPortalSession: (
      params: P.PortalSessionCreateParams,
      idempotencyKey: string,
    ): Promise<O.StripePortalSession> =>
      call('billingPortal.sessions.create', () =>
        client.billingPortal.sessions.create(params, key(idempotencyKey)),
      ),
  };
}

/** A programming error: a Stripe call was made inside a database transaction. */
export class StripeCallInTransactionError extends Error {
  constructor(operation: string) {
    super(
      `stripe ${operation} was called inside a database transaction: call Stripe before the transaction opens`,
    );
    this.name = 'StripeCallInTransactionError';
  }
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
