import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { registerChargeAndRefundRoutes } from './charges-refunds.js';
import { registerPaymentIntentRoutes } from './payment-intents.js';
import { registerPaymentMethodRoutes } from './payment-methods.js';

/** The billing engineer's resources (money side), registered from resources/index.ts in one line. */
export function registerBillingResourceRoutes(app: FastifyInstance, context: EmulatorContext): void {
  registerPaymentMethodRoutes(app, context);
  registerPaymentIntentRoutes(app, context);
  registerChargeAndRefundRoutes(app, context);
}
