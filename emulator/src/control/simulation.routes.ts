// The control routes that act for a customer or for time: completing a checkout session, moving the global clock.
import type { FastifyInstance } from 'fastify';
import { completeCheckoutSession, type CheckoutPayment } from '../billing/checkout-completion.js';
import { checkoutSessions } from '../billing/checkout-sessions.js';
import { advanceGlobalClock } from '../billing/time-engine.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { optionalInteger, optionalString, type Params } from '../core/params.js';
import { runOutsideRequest } from '../core/request-context.js';
import { requestParams } from '../core/request-params.js';

/**
 * `POST /_emulator/checkout/sessions/:id/complete` (a checkout without a browser) and `POST /_emulator/clock/advance`.
 * Bodies may be JSON or form-encoded.
 */
export function registerSimulationRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.post<{ Params: { id: string } }>('/_emulator/checkout/sessions/:id/complete', async (request) => {
    const params = requestParams(request);
    const session = checkoutSessions(context).get(request.params.id, 'session');
    // As on the hosted page, the customer (not an API request) causes these events: request.id is null.
    return runOutsideRequest(() => completeCheckoutSession(context, session, paymentFrom(params)));
  });

  app.post('/_emulator/clock/advance', async (request) => {
    const params = requestParams(request);
    const seconds = optionalInteger(params, 'seconds') ?? undefined;
    const to = optionalInteger(params, 'to') ?? undefined;
    if (seconds === undefined && to === undefined) throw invalidRequest('Send `seconds` or `to`.', 'seconds');
    const target = to ?? context.clock.now() + (seconds ?? 0);
    if (target < context.clock.now()) throw invalidRequest('The clock only moves forward.', 'to');
    runOutsideRequest(() => advanceGlobalClock(context, target));
    return { now: context.clock.now() };
  });
}

function paymentFrom(params: Params): CheckoutPayment {
  const card = optionalString(params, 'card') ?? undefined;
  const bankAccount = optionalString(params, 'bank_account') ?? undefined;
  const expMonth = optionalInteger(params, 'exp_month') ?? undefined;
  const expYear = optionalInteger(params, 'exp_year') ?? undefined;
  return {
    ...(card
      ? {
          card: {
            number: card,
            ...(expMonth ? { exp_month: expMonth } : {}),
            ...(expYear ? { exp_year: expYear } : {}),
          },
        }
      : {}),
    ...(bankAccount ? { bankAccount } : {}),
    email: optionalString(params, 'email') ?? null,
    name: optionalString(params, 'name') ?? null,
  };
}
