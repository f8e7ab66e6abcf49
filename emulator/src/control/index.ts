import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { registerBillingControlRoutes } from './billing-control.js';
import { registerPlatformControlRoutes } from './platform-control.js';

/** The emulator's own control API under `/_emulator/` (never under `/v1/`): faults, reset, clocks, test helpers. */
export function registerControlRoutes(app: FastifyInstance, context: EmulatorContext): void {
  registerPlatformControlRoutes(app, context);
  registerBillingControlRoutes(app, context);
}
