// Customer portal sessions. The portal needs a configuration: the default one is created when Stripe has none
// (cancel at period end, switch between the catalog's plans, update the payment method). Its idempotency key is
// derived from its content, so concurrent first calls on several replicas create one.
import { createHash } from 'node:crypto';
import type { CatalogService } from '../catalog/catalog.service.js';
import { checkRedirectUrl, type RedirectPolicy } from '../checkout/redirect-urls.js';
import type { CustomersService } from '../customers/customers.service.js';
import type { StripeGateway } from '../stripe/gateway.js';
import type { PortalConfigurationCreateParams } from '../stripe/stripe-params.js';

export interface PortalService {
  /** A Stripe customer portal session for our customer, returning to `return_url` (checked against the policy). */
  createSession: (request: { customer: string; return_url: string }) => Promise<{ url: string }>;
}

export function createPortalService(options: {
  stripe: StripeGateway;
  catalog: CatalogService;
  customers: CustomersService;
  redirects: RedirectPolicy;
}): PortalService {
  const { stripe } = options;
  let configurationId: string | undefined;

  async function defaultConfigurationParams(): Promise<PortalConfigurationCreateParams> {
    const plans = (await options.catalog.listCatalog())
      .map((product) => ({
        product: product.id,
        prices: product.prices.filter((price) => price.type === 'recurring').map((price) => price.id),
      }))
      .filter((plan) => plan.prices.length > 0);
    return {
      business_profile: { headline: 'Manage your subscription' },
      features: {
        subscription_cancel: { enabled: true, mode: 'at_period_end', proration_behavior: 'none' },
        subscription_update: {
          enabled: plans.length > 0,
          default_allowed_updates: ['price'],
          proration_behavior: 'create_prorations',
          products: plans,
        },
        payment_method_update: { enabled: true },
        invoice_history: { enabled: true },
      },
      metadata: { created_by: 'billing-service' },
    };
  }

  async function ensureConfiguration(): Promise<string> {
    if (configurationId !== undefined) return configurationId;
    const existing = (await stripe.listPortalConfigurations()).data[0];
    if (existing !== undefined) {
      configurationId = existing.id;
      return existing.id;
    }
    const params = await defaultConfigurationParams();
    const key = `billing-portal-configuration:${createHash('sha256').update(JSON.stringify(params)).digest('hex')}`;
    configurationId = (await stripe.createPortalConfiguration(params, key)).id;
    return configurationId;
  }

  return {
    async createSession(request) {
      const returnUrl = checkRedirectUrl(request.return_url, 'return_url', options.redirects);
      const customer = await options.customers.getBillableByExternalId(request.customer, 'customer');
      const configuration = await ensureConfiguration();
      // A portal session grants nothing by itself: a fresh key per call lets the SDK retry without a second session.
      const session = await stripe.createPortalSession(
        { customer: customer.stripe_customer_id, return_url: returnUrl, configuration },
        `billing-portal-session:${customer.id}:${Date.now()}:${Math.random().toString(36).slice(2)}`,
      );
      return { url: session.url };
    },
  };
}
