// The development return pages `npm start` serves, so a first checkout ends somewhere: GET /dev/checkout/success
// (the session, what it became and granted), /dev/checkout/cancel, /dev/account (the customer's billing state,
// where the portal returns) and /dev/portal (opens the customer portal). Rendered on the server from the services
// the /v1/ read routes use, so the browser needs no API key; never mounted when NODE_ENV=production.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { CheckoutService } from '../checkout/checkout.service.js';
import type { NodeEnv } from '../config/node-env.js';
import { ExternalId } from '../customers/customers.schemas.js';
import type { CustomersService } from '../customers/customers.service.js';
import type { EntitlementsService } from '../entitlements/entitlements.service.js';
import { AppError } from '../errors.js';
import type { AppInstance } from '../http/app-instance.js';
import { renderError } from '../http/error-handler.js';
import { logFailedRequest } from '../http/request-log.js';
import type { OrdersService } from '../orders/orders.service.js';
import type { PortalService } from '../portal/portal.service.js';
import type { SubscriptionsService } from '../subscriptions/subscriptions.service.js';
import {
  DEV_ACCOUNT_PATH,
  DEV_CANCEL_PATH,
  DEV_PORTAL_PATH,
  DEV_SUCCESS_PATH,
  devAccountUrl,
} from './return-page-urls.js';
import { renderAccountPage } from './return-pages.account-view.js';
import type { CurrentEntitlement } from './return-pages.sections.js';
import {
  renderCancelPage,
  renderErrorPage,
  renderSuccessPage,
  type ProductsById,
  type Purchase,
} from './return-pages.view.js';

export interface DevReturnPagesDependencies {
  config: { nodeEnv: NodeEnv };
  checkout: Pick<CheckoutService, 'getSession'>;
  orders: Pick<OrdersService, 'get' | 'listForCustomer'>;
  subscriptions: Pick<SubscriptionsService, 'getOwned' | 'listForCustomer'>;
  entitlements: Pick<EntitlementsService, 'listCurrent'>;
  customers: Pick<CustomersService, 'getByExternalId'>;
  catalog: Pick<CatalogService, 'listCatalog'>;
  portal: PortalService;
}

/** The success page reloads once a second while Stripe's webhook is awaited, this many times at most. */
export const MAX_SUCCESS_PAGE_RELOADS = 30;

const SuccessQuery = Type.Object({
  session_id: Type.String({ pattern: '^cs_[A-Za-z0-9_]+$', maxLength: 255 }),
  reloads: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_SUCCESS_PAGE_RELOADS })),
});
const CustomerQuery = Type.Object({ customer: ExternalId });

/** Mounts the pages unless NODE_ENV=production (then the paths stay 404); returns whether it did. */
export function registerDevReturnPages(app: AppInstance, dependencies: DevReturnPagesDependencies): boolean {
  if (dependencies.config.nodeEnv === 'production') return false;
  const { checkout, orders, subscriptions, entitlements, customers, catalog, portal } = dependencies;

  /** The session, what it became here (our order, or the subscription), and the catalog's products by id. */
  async function findPurchase(sessionId: string) {
    const [session, catalogProducts] = await Promise.all([
      checkout.getSession(sessionId),
      catalog.listCatalog(),
    ]);
    const products: ProductsById = new Map(catalogProducts.map((product) => [product.id, product]));
    let purchase: Purchase = { kind: 'none' };
    if (session.order !== null) purchase = { kind: 'order', order: await orders.get(session.order) };
    else if (session.subscription !== null) {
      const subscription = await subscriptions.getOwned(session.subscription);
      purchase = { kind: 'subscription', subscription, products };
    }
    return { session, purchase, products };
  }

  app.get(
    DEV_SUCCESS_PATH,
    { schema: { querystring: SuccessQuery }, attachValidation: true },
    async (request, reply) =>
      sendPage(request, reply, async () => {
        const query = validQuery(request);
        const { session, purchase, products } = await findPurchase(query.session_id);
        const current = await entitlements.listCurrent(session.customer);
        const awaitingWebhook =
          session.status === 'complete' && !isRecorded(purchase, products, current.value);
        const reloads = query.reloads ?? 0;
        const canReload = awaitingWebhook && reloads < MAX_SUCCESS_PAGE_RELOADS;
        return renderSuccessPage({
          session,
          purchase,
          entitlements: current.value,
          refreshUrl: canReload
            ? `${DEV_SUCCESS_PATH}?session_id=${encodeURIComponent(session.id)}&reloads=${reloads + 1}`
            : undefined,
          gaveUpWaiting: awaitingWebhook && !canReload,
        });
      }),
  );

  app.get(DEV_CANCEL_PATH, async (request, reply) =>
    sendPage(request, reply, async () => renderCancelPage()),
  );

  app.get(
    DEV_ACCOUNT_PATH,
    { schema: { querystring: CustomerQuery }, attachValidation: true },
    async (request, reply) =>
      sendPage(request, reply, async () => {
        const externalId = validQuery(request).customer;
        const customer = await customers.getByExternalId(externalId);
        const [current, held, recent] = await Promise.all([
          entitlements.listCurrent(externalId),
          subscriptions.listForCustomer(customer.id),
          orders.listForCustomer(customer.id, { limit: 10 }),
        ]);
        return renderAccountPage({
          externalId,
          entitlements: current.value,
          subscriptions: held,
          orders: recent.data,
        });
      }),
  );

  // A link, not a form: the CSP's form-action 'self' would stop a form's redirect to Stripe's portal.
  app.get(
    DEV_PORTAL_PATH,
    { schema: { querystring: CustomerQuery }, attachValidation: true },
    async (request, reply) => {
      try {
        const externalId = validQuery(request).customer;
        // Back to where the browser is (localhost or 127.0.0.1); the portal service still checks the origin
        // against ALLOWED_REDIRECT_ORIGINS, so a forged Host header leads nowhere else.
        const origin = originOf(request);
        const session = await portal.createSession({
          customer: externalId,
          return_url: devAccountUrl(origin, externalId),
        });
        return await reply.redirect(session.url, 303);
      } catch (error) {
        return sendErrorPage(request, reply, error);
      }
    },
  );
  return true;
}

/**
 * Whether Stripe's webhook about the completed session has been applied here and is visible: the order or the
 * live subscription exists, and the features its products declare are entitlements from it (the entitlement
 * cache learns of a change by NOTIFY, a moment after the worker's commit).
 */
function isRecorded(purchase: Purchase, products: ProductsById, current: CurrentEntitlement[]): boolean {
  if (purchase.kind === 'none') return false;
  const [sourceId, status, productIds] =
    purchase.kind === 'order'
      ? [purchase.order.id, purchase.order.status, purchase.order.items.map((item) => item.stripe_product_id)]
      : [
          purchase.subscription.stripe_subscription_id,
          purchase.subscription.status,
          purchase.subscription.product_ids,
        ];
  // A purchase that grants nothing (yet or any more): a pending bank debit, a refund, a past_due subscription.
  if (!['paid', 'active', 'trialing'].includes(status)) return true;
  const granted = new Set(
    current
      .filter((entitlement) => entitlement.source?.id === sourceId)
      .map((entitlement) => entitlement.feature),
  );
  return productIds.every((productId) =>
    (products.get(productId)?.features ?? []).every((feature) => granted.has(feature)),
  );
}

function originOf(request: FastifyRequest): string {
  const origin = `${request.protocol}://${request.host}`;
  if (!URL.canParse(origin)) throw new AppError('bad_request', 'The Host header is not a host name');
  return new URL(origin).origin;
}

/** The query as its schema typed it; one that failed the schema becomes a 400 page naming the parameter and rule. */
function validQuery<Query>(request: { validationError?: Error | undefined; query: Query }): Query {
  if (request.validationError !== undefined) throw request.validationError;
  return request.query;
}

async function sendPage(request: FastifyRequest, reply: FastifyReply, render: () => Promise<string>) {
  try {
    const markup = await render();
    return await reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(markup);
  } catch (error) {
    return sendErrorPage(request, reply, error);
  }
}

/** Any failure as a page: its status and our message (404 for an unknown session), never a stack. */
function sendErrorPage(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const rendered = renderError(error);
  logFailedRequest(request.log, error, rendered);
  if (rendered.retryAfterSeconds !== undefined) void reply.header('retry-after', rendered.retryAfterSeconds);
  return reply
    .status(rendered.statusCode)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(renderErrorPage(rendered));
}
