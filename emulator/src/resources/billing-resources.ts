import type { FastifyInstance } from 'fastify';
import { catchUpGlobalClock } from '../billing/time-engine.js';
import type { EmulatorContext } from '../core/context.js';
import { registerBillingPortalRoutes } from './billing-portal.js';
import { registerCheckoutSessionRoutes } from './checkout-sessions.js';
import { registerInvoiceRoutes } from './invoices.js';
import { registerSubscriptionItemRoutes } from './subscription-items.js';
import { registerSubscriptionRoutes } from './subscriptions.js';
import { registerTestClockRoutes } from './test-clocks.js';
import { registerChargeAndRefundRoutes } from './charges-refunds.js';
import { registerPaymentIntentRoutes } from './payment-intents.js';
import { registerPaymentMethodRoutes } from './payment-methods.js';

/** The billing engineer's resources (money side), registered from resources/index.ts in one line. */
export function registerBillingResourceRoutes(app: FastifyInstance, context: EmulatorContext): void {
  registerPaymentMethodRoutes(app, context);
  registerPaymentIntentRoutes(app, context);
  registerChargeAndRefundRoutes(app, context);
  registerCheckoutSessionRoutes(app, context);
  registerSubscriptionRoutes(app, context);
  registerSubscriptionItemRoutes(app, context);
  registerInvoiceRoutes(app, context);
  registerTestClockRoutes(app, context);
  registerBillingPortalRoutes(app, context);
  // Work that fell due on the global clock as wall time passed (expiries, renewals) runs before each API call.
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      if (request.url.startsWith('/v1/')) catchUpGlobalClock(context);
    } catch (error) {
      return done(error as Error);
    }
    done();
  });
}
