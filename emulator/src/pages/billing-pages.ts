import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { registerCheckoutPage } from './checkout-page.js';
import { registerInvoicePage } from './invoice-page.js';
import { registerPortalPage } from './portal-page.js';

/** The hosted checkout, billing portal and invoice pages. */
export function registerBillingPages(app: FastifyInstance, context: EmulatorContext): void {
  registerCheckoutPage(app, context);
  registerPortalPage(app, context);
  registerInvoicePage(app, context);
}
