import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { registerBillingPages } from './billing-pages.js';

/** Hosted pages (checkout, billing portal): server-rendered HTML outside `/v1/`, no API key. */
export function registerPageRoutes(app: FastifyInstance, context: EmulatorContext): void {
  registerBillingPages(app, context);
}
