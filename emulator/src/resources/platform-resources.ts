import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { registerEventRoutes } from './events.js';
import { registerPriceRoutes } from './prices.js';
import { registerProductRoutes } from './products.js';
import { registerWebhookEndpointRoutes } from './webhook-endpoints.js';

/** The platform engineer's resources besides customers (catalog, events, webhook endpoints). */
export function registerPlatformResourceRoutes(app: FastifyInstance, context: EmulatorContext): void {
  registerProductRoutes(app, context);
  registerPriceRoutes(app, context);
  registerEventRoutes(app, context);
  registerWebhookEndpointRoutes(app, context);
}
