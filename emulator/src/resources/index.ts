// The explicit list of /v1/ resource route modules.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { registerAccountRoutes } from './account.routes.js';
import { registerBillingPortalRoutes } from './billing-portal.routes.js';
import { registerChargeAndRefundRoutes } from './charges-refunds.routes.js';
import { registerCheckoutSessionRoutes } from './checkout-sessions.routes.js';
import { registerCouponRoutes } from './coupons.routes.js';
import { registerCustomerBalanceRoutes } from './customer-balance.routes.js';
import { registerCustomerSourceRoutes } from './customer-sources.routes.js';
import { registerCustomerRoutes } from './customers.routes.js';
import { registerDisputeRoutes } from './disputes.routes.js';
import { registerEventRoutes } from './events.routes.js';
import { registerInvoiceDraftRoutes } from './invoice-drafts.routes.js';
import { registerInvoiceItemRoutes } from './invoice-items.routes.js';
import { registerInvoiceRoutes } from './invoices.routes.js';
import { registerMeterRoutes } from './meters.routes.js';
import { registerPaymentIntentRoutes } from './payment-intents.routes.js';
import { registerPaymentPageRoutes } from './payment-pages.routes.js';
import { registerPaymentMethodRoutes } from './payment-methods.routes.js';
import { registerPriceRoutes } from './prices.routes.js';
import { registerProductRoutes } from './products.routes.js';
import { registerPromotionCodeRoutes } from './promotion-codes.routes.js';
import { registerSetupIntentRoutes } from './setup-intents.routes.js';
import { registerSubscriptionItemRoutes } from './subscription-items.routes.js';
import { registerSubscriptionRoutes } from './subscriptions.routes.js';
import { registerTestClockRoutes } from './test-clocks.routes.js';
import { registerWebhookEndpointRoutes } from './webhook-endpoints.routes.js';

/**
 * The explicit list of emulated resources. Each module registers its `/v1/...` routes and its id prefixes.
 * Add a module here and nowhere else.
 */
export function registerResourceRoutes(app: FastifyInstance, context: EmulatorContext): void {
  registerAccountRoutes(app, context);
  registerCustomerRoutes(app, context);
  registerCustomerSourceRoutes(app, context);
  registerCustomerBalanceRoutes(app, context);
  registerCouponRoutes(app, context);
  registerPromotionCodeRoutes(app, context);
  registerPaymentMethodRoutes(app, context);
  registerPaymentIntentRoutes(app, context);
  registerSetupIntentRoutes(app, context);
  registerChargeAndRefundRoutes(app, context);
  registerDisputeRoutes(app, context);
  registerCheckoutSessionRoutes(app, context);
  registerPaymentPageRoutes(app, context);
  registerSubscriptionRoutes(app, context);
  registerSubscriptionItemRoutes(app, context);
  registerInvoiceRoutes(app, context);
  registerInvoiceDraftRoutes(app, context);
  registerInvoiceItemRoutes(app, context);
  registerTestClockRoutes(app, context);
  registerMeterRoutes(app, context);
  registerBillingPortalRoutes(app, context);
  registerProductRoutes(app, context);
  registerPriceRoutes(app, context);
  registerEventRoutes(app, context);
  registerWebhookEndpointRoutes(app, context);
}
