// The control routes of the account's revenue-recovery settings (retries, what follows the last failure, notices).
import type { FastifyInstance } from 'fastify';
import { billingSettings, updateBillingSettings } from '../billing/settings.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { optionalString } from '../core/params.js';
import { requestParams } from '../core/request-params.js';

/** `GET` and `POST /_emulator/billing/settings`. Bodies may be JSON or form-encoded. */
export function registerBillingSettingsRoutes(app: FastifyInstance, context: EmulatorContext): void {
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
