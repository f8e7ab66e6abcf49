import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { registerBillingPortalRoutes } from './billing-portal.js';
import { registerChargeAndRefundRoutes } from './charges-refunds.js';
import { registerCheckoutSessionRoutes } from './checkout-sessions.js';
import { registerCustomerRoutes } from './customers.js';
import { registerEventRoutes } from './events.js';
import { registerInvoiceDraftRoutes } from './invoice-drafts.js';
import { registerInvoiceItemRoutes } from './invoice-items.js';
import { registerInvoiceRoutes } from './invoices.js';
import { registerPaymentIntentRoutes } from './payment-intents.js';
import { registerPaymentMethodRoutes } from './payment-methods.js';
import { registerPriceRoutes } from './prices.js';
import { registerProductRoutes } from './products.js';
import { registerSetupIntentRoutes } from './setup-intents.js';
import { registerSubscriptionItemRoutes } from './subscription-items.js';
import { registerSubscriptionRoutes } from './subscriptions.js';
import { registerTestClockRoutes } from './test-clocks.js';
import { registerWebhookEndpointRoutes } from './webhook-endpoints.js';

/**
 * The explicit list of emulated resources. Each module registers its `/v1/...` routes and its id prefixes.
 * Add a module here and nowhere else.
 */
export function registerResourceRoutes(app: FastifyInstance, context: EmulatorContext): void {
  registerCustomerRoutes(app, context);
  registerPaymentMethodRoutes(app, context);
  registerPaymentIntentRoutes(app, context);
  registerSetupIntentRoutes(app, context);
  registerChargeAndRefundRoutes(app, context);
  registerCheckoutSessionRoutes(app, context);
  registerSubscriptionRoutes(app, context);
  registerSubscriptionItemRoutes(app, context);
  registerInvoiceRoutes(app, context);
  registerInvoiceDraftRoutes(app, context);
  registerInvoiceItemRoutes(app, context);
  registerTestClockRoutes(app, context);
  registerBillingPortalRoutes(app, context);
  registerProductRoutes(app, context);
  registerPriceRoutes(app, context);
  registerEventRoutes(app, context);
  registerWebhookEndpointRoutes(app, context);
}
