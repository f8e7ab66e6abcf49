// The list of hosted page modules (checkout, billing portal, invoice).
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { registerCheckoutPage } from './checkout-page.js';
import { registerInvoicePage } from './invoice-page.js';
import { registerPortalPage } from './portal-page.js';

/** Hosted pages (checkout, billing portal, invoice): server-rendered HTML outside `/v1/`, no API key. */
export function registerPageRoutes(app: FastifyInstance, context: EmulatorContext): void {
  registerCheckoutPage(app, context);
  registerPortalPage(app, context);
  registerInvoicePage(app, context);
}
