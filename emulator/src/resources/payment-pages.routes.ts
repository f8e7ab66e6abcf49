// The private payment page API the Stripe CLI completes a Checkout Session with: read the page, confirm it.
import type { FastifyInstance } from 'fastify';
import { completeCheckoutSession } from '../billing/checkout-completion.js';
import { checkoutSessions, lineItemsOf } from '../billing/checkout-sessions.js';
import { paymentMethods } from '../billing/payment-methods.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { optionalInteger, requiredString } from '../core/params.js';
import { requestParams } from '../core/request-params.js';

/**
 * `GET /v1/payment_pages/:session` and `POST …/confirm` are what Stripe's hosted page calls (the CLI's
 * `checkout.session.*` triggers call them with the secret key). Stripe does not document them; the page object
 * here is the emulator's own minimal shape.
 */
export function registerPaymentPageRoutes(app: FastifyInstance, context: EmulatorContext): void {
  const sessions = checkoutSessions(context);

  app.get<{ Params: { id: string } }>('/v1/payment_pages/:id', async (request) => {
    const session = sessions.get(request.params.id, 'session');
    return {
      id: session.id,
      object: 'payment_page',
      amount_total: session.amount_total,
      currency: session.currency,
      customer: session.customer,
      customer_email: session.customer_email,
      line_items: lineItemsOf(context, session.id),
      livemode: false,
      mode: session.mode,
      payment_method_types: session.payment_method_types,
      session_id: session.id,
      status: session.status,
    };
  });

  app.post<{ Params: { id: string } }>('/v1/payment_pages/:id/confirm', async (request) => {
    const params = requestParams(request);
    const session = sessions.get(request.params.id, 'session');
    const paymentMethod = paymentMethods(context).get(
      requiredString(params, 'payment_method'),
      'payment_method',
    );
    const expected = optionalInteger(params, 'expected_amount');
    if (expected !== undefined && expected !== null && expected !== (session.amount_total ?? 0)) {
      throw invalidRequest(
        `The expected amount (${expected}) does not match the session's amount (${session.amount_total ?? 0}).`,
        'expected_amount',
      );
    }
    const types = session.payment_method_types as string[];
    if (!types.includes(paymentMethod.type)) {
      throw invalidRequest(
        `The payment method type ${paymentMethod.type} is not one of this session's payment_method_types.`,
        'payment_method',
      );
    }
    const details = paymentMethod.billing_details as { email?: string | null; name?: string | null };
    return completeCheckoutSession(context, session, {
      paymentMethod,
      email: details.email ?? null,
      name: details.name ?? null,
    });
  });
}
