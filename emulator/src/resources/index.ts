import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { registerCustomerRoutes } from './customers.js';
import { registerBillingResourceRoutes } from './billing-resources.js';
import { registerPlatformResourceRoutes } from './platform-resources.js';

/**
 * The explicit list of emulated resources. Each module registers its `/v1/...` routes and its id prefixes.
 * Add a module here and nowhere else.
 */
export function registerResourceRoutes(app: FastifyInstance, context: EmulatorContext): void {
  registerCustomerRoutes(app, context);
  registerBillingResourceRoutes(app, context);
  registerPlatformResourceRoutes(app, context);
}
