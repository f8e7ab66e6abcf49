// The emulator's own control API under `/_emulator/` (never under `/v1/`), one module per concern.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { registerBillingSettingsRoutes } from './billing-settings.routes.js';
import { registerFaultRoutes } from './faults.routes.js';
import { registerRateLimitRoutes } from './rate-limit.routes.js';
import { registerSimulationRoutes } from './simulation.routes.js';
import { registerStateRoutes } from './state.routes.js';
import { registerWebhookDeliveryRoutes } from './webhook-delivery.routes.js';

/** The explicit list of control route modules: state, faults, rate limit, webhook delivery, simulation, billing settings. */
export function registerControlRoutes(app: FastifyInstance, context: EmulatorContext): void {
  registerStateRoutes(app, context);
  registerFaultRoutes(app, context);
  registerRateLimitRoutes(app, context);
  registerWebhookDeliveryRoutes(app, context);
  registerSimulationRoutes(app, context);
  registerBillingSettingsRoutes(app, context);
}
