// The /v1/billing_portal routes: configurations and sessions.
import type { FastifyInstance } from 'fastify';
import {
  defaultPortalConfiguration,
  newPortalConfiguration,
  portalConfigurations,
  portalSessions,
  type PortalConfiguration,
  type PortalSession,
} from '../billing/portal.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import { previousAttributes } from '../core/events.js';
import { newId } from '../core/ids.js';
import { paginate } from '../core/list.js';
import {
  applyMetadata,
  optionalArray,
  optionalBoolean,
  optionalEnum,
  optionalHash,
  optionalString,
  optionalStringArray,
  requiredString,
  type Params,
} from '../core/params.js';
import { requestParams } from '../core/request-params.js';

export function registerBillingPortalRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('bpc', 'billing_portal.configuration');
  context.state.registerIdPrefix('bps', 'billing_portal.session');
  const configurations = portalConfigurations(context);
  const sessions = portalSessions(context);

  app.post('/v1/billing_portal/configurations', async (request) => {
    const params = requestParams(request);
    if (!optionalHash(params, 'features')) throw missingParam('features');
    const configuration = newPortalConfiguration(context.clock.now(), false);
    applyConfigurationParams(context, configuration, params);
    configurations.insert(configuration);
    context.events.emit('billing_portal.configuration.created', configuration);
    return configuration;
  });

  app.get<{ Params: { id: string } }>('/v1/billing_portal/configurations/:id', async (request) =>
    configurations.get(request.params.id, 'configuration'),
  );

  app.post<{ Params: { id: string } }>('/v1/billing_portal/configurations/:id', async (request) => {
    const configuration = configurations.get(request.params.id, 'configuration');
    const before = structuredClone(configuration);
    applyConfigurationParams(context, configuration, requestParams(request));
    const changed = previousAttributes(before, configuration);
    if (Object.keys(changed).length > 0) {
      configuration.updated = context.clock.now();
      context.events.emit('billing_portal.configuration.updated', configuration, {
        previousAttributes: { ...changed, updated: before.updated },
      });
    }
    return configuration;
  });

  app.get('/v1/billing_portal/configurations', async (request) => {
    const params = requestParams(request);
    const active = optionalBoolean(params, 'active');
    const isDefault = optionalBoolean(params, 'is_default');
    return paginate(
      configurations.list(
        (row) =>
          (active === undefined || row.active === active) &&
          (isDefault === undefined || row.is_default === isDefault),
      ),
      params,
      '/v1/billing_portal/configurations',
    );
  });

  app.post('/v1/billing_portal/sessions', async (request) => {
    const params = requestParams(request);
    const customer = requiredString(params, 'customer');
    context.state.table('customer').get(customer, 'customer');
    const configurationId = optionalString(params, 'configuration');
    const configuration = configurationId
      ? configurations.get(configurationId, 'configuration')
      : defaultPortalConfiguration(context);
    if (!configuration.active) throw invalidRequest('The configuration is inactive.', 'configuration');
    const returnUrl = optionalString(params, 'return_url') ?? configuration.default_return_url;
    const id = newId('bps');
    const session: PortalSession = {
      id,
      object: 'billing_portal.session',
      configuration: configuration.id,
      created: context.clock.now(),
      customer,
      customer_account: null,
      flow: null,
      livemode: false,
      locale: optionalString(params, 'locale') ?? null,
      on_behalf_of: null,
      return_url: returnUrl ?? null,
      url: `${context.baseUrl}/portal/${id}`,
    };
    sessions.insert(session);
    context.events.emit('billing_portal.session.created', session);
    return session;
  });
}

function applyConfigurationParams(
  context: EmulatorContext,
  configuration: PortalConfiguration,
  params: Params,
): void {
  const profile = optionalHash(params, 'business_profile');
  if (profile) {
    for (const key of ['headline', 'privacy_policy_url', 'terms_of_service_url'] as const) {
      const value = optionalString(profile, key);
      if (value !== undefined) configuration.business_profile[key] = value;
    }
  }
  const returnUrl = optionalString(params, 'default_return_url');
  if (returnUrl !== undefined) configuration.default_return_url = returnUrl;
  const active = optionalBoolean(params, 'active');
  if (active !== undefined) configuration.active = active;
  const name = optionalString(params, 'name');
  if (name !== undefined) configuration.name = name;
  configuration.metadata = applyMetadata(configuration.metadata, params);
  const features = optionalHash(params, 'features');
  if (!features) return;
  const { features: target } = configuration;
  const customerUpdate = optionalHash(features, 'customer_update');
  if (customerUpdate) {
    target.customer_update.enabled =
      optionalBoolean(customerUpdate, 'enabled') ?? target.customer_update.enabled;
    target.customer_update.allowed_updates =
      optionalStringArray(customerUpdate, 'allowed_updates') ?? target.customer_update.allowed_updates;
  }
  const invoiceHistory = optionalHash(features, 'invoice_history');
  if (invoiceHistory)
    target.invoice_history.enabled =
      optionalBoolean(invoiceHistory, 'enabled') ?? target.invoice_history.enabled;
  const paymentMethodUpdate = optionalHash(features, 'payment_method_update');
  if (paymentMethodUpdate) {
    target.payment_method_update.enabled =
      optionalBoolean(paymentMethodUpdate, 'enabled') ?? target.payment_method_update.enabled;
  }
  const cancel = optionalHash(features, 'subscription_cancel');
  if (cancel) {
    const feature = target.subscription_cancel;
    feature.enabled = optionalBoolean(cancel, 'enabled') ?? feature.enabled;
    feature.mode = optionalEnum(cancel, 'mode', ['at_period_end', 'immediately'] as const) ?? feature.mode;
    feature.proration_behavior =
      optionalEnum(cancel, 'proration_behavior', ['none', 'create_prorations', 'always_invoice'] as const) ??
      feature.proration_behavior;
    const reason = optionalHash(cancel, 'cancellation_reason');
    if (reason) {
      feature.cancellation_reason.enabled =
        optionalBoolean(reason, 'enabled') ?? feature.cancellation_reason.enabled;
      feature.cancellation_reason.options =
        optionalStringArray(reason, 'options') ?? feature.cancellation_reason.options;
    }
  }
  const update = optionalHash(features, 'subscription_update');
  if (update) {
    const feature = target.subscription_update;
    feature.enabled = optionalBoolean(update, 'enabled') ?? feature.enabled;
    feature.default_allowed_updates =
      optionalStringArray(update, 'default_allowed_updates') ?? feature.default_allowed_updates;
    feature.proration_behavior =
      optionalEnum(update, 'proration_behavior', ['none', 'create_prorations', 'always_invoice'] as const) ??
      feature.proration_behavior;
    const products = optionalArray(update, 'products');
    if (products) {
      feature.products = products.map((entry, index) => {
        const product = (entry ?? {}) as Params;
        const productId = requiredString(product, 'product');
        const prices = optionalStringArray(product, 'prices') ?? [];
        for (const priceId of prices) {
          const price = context.state.table('price').find(priceId);
          if (!price)
            throw invalidRequest(
              `No such price: '${priceId}'`,
              `features[subscription_update][products][${index}][prices]`,
              'resource_missing',
            );
          if (price.product !== productId) {
            throw invalidRequest(
              `The price ${priceId} does not belong to product ${productId}.`,
              `features[subscription_update][products][${index}][prices]`,
            );
          }
        }
        return {
          adjustable_quantity: { enabled: false, maximum: null, minimum: 1 },
          prices,
          product: productId,
        };
      });
    }
  }
}
