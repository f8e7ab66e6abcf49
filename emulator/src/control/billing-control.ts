import type { FastifyInstance } from 'fastify';
import { completeCheckoutSession, type CheckoutPayment } from '../billing/checkout-completion.js';
import { checkoutSessions } from '../billing/checkout-sessions.js';
import { advanceGlobalClock } from '../billing/time-engine.js';
import { billingSettings, updateBillingSettings } from '../billing/settings.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { optionalInteger, optionalString, type Params } from '../core/params.js';
import { runOutsideRequest } from '../core/request-context.js';
import { requestParams } from '../core/request-params.js';

/**
 * The billing engineer's control routes: completing a checkout session without a browser, moving the global clock,
 * and the account's revenue-recovery settings. Bodies may be JSON or form-encoded.
 */
export function registerBillingControlRoutes(app: FastifyInstance, context: EmulatorContext): void {
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

  app.get('/_emulator/billing/settings', async () => billingSettings(context));

  app.post('/_emulator/billing/settings', async (request) => {
    const params = requestParams(request);
    const afterFinalFailure = optionalString(params, 'after_final_failure') ?? undefined;
    if (afterFinalFailure !== undefined && !['canceled', 'unpaid', 'past_due'].includes(afterFinalFailure)) {
      throw invalidRequest(
        'after_final_failure must be canceled, unpaid or past_due.',
        'after_final_failure',
      );
    }
    const delays = params.retry_delays_days;
    const retryDelaysDays = delays === undefined ? undefined : toNumbers(delays);
    const upcoming = params.upcoming_renewal_days;
    const upcomingRenewalDays =
      upcoming === undefined
        ? undefined
        : upcoming === null || upcoming === ''
          ? null
          : toNumbers(upcoming)[0];
    return updateBillingSettings(context, {
      ...(upcomingRenewalDays !== undefined ? { upcomingRenewalDays } : {}),
      ...(afterFinalFailure
        ? { afterFinalFailure: afterFinalFailure as 'canceled' | 'unpaid' | 'past_due' }
        : {}),
      ...(retryDelaysDays ? { retryDelaysDays } : {}),
    });
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

function toNumbers(value: unknown): number[] {
  const list = Array.isArray(value)
    ? value
    : typeof value === 'object' && value !== null
      ? Object.values(value)
      : [value];
  const numbers = list.map((entry) => Number(entry));
  if (numbers.some((entry) => !Number.isFinite(entry) || entry < 0)) {
    throw invalidRequest('retry_delays_days must be a list of non-negative day counts.', 'retry_delays_days');
  }
  return numbers;
}
