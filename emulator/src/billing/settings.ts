// The emulated account's billing settings: payment retries, what follows the last failure, renewal notices.
import type { EmulatorContext } from '../core/context.js';

/**
 * Account-level billing settings of the emulated Stripe account (Dashboard → Billing → Revenue recovery).
 * `retryDelaysDays`: the waits between automatic payment attempts of a failed renewal (Smart Retries stand-in:
 * 3 retries after the first attempt by default, 4 attempts in all). `afterFinalFailure`: what happens to the
 * subscription when the last retry fails (Stripe's default is to cancel it).
 */
export interface BillingSettings {
  retryDelaysDays: number[];
  afterFinalFailure: 'canceled' | 'unpaid' | 'past_due';
  /** Seconds between a renewal invoice's creation and its automatic finalization (Stripe waits about an hour). */
  draftFinalizationDelaySeconds: number;
  /** Days before a renewal to send `invoice.upcoming` ("Send upcoming renewal events"); null: not sent. */
  upcomingRenewalDays: number | null;
}

const DEFAULTS: BillingSettings = {
  retryDelaysDays: [3, 5, 7],
  afterFinalFailure: 'canceled',
  draftFinalizationDelaySeconds: 3600,
  upcomingRenewalDays: null,
};

const settingsByContext = new WeakMap<EmulatorContext, BillingSettings>();

export function billingSettings(context: EmulatorContext): BillingSettings {
  let settings = settingsByContext.get(context);
  if (!settings) {
    settings = structuredClone(DEFAULTS);
    settingsByContext.set(context, settings);
    context.state.onReset(() => settingsByContext.set(context, structuredClone(DEFAULTS)));
  }
  return settings;
}

export function updateBillingSettings(
  context: EmulatorContext,
  changes: Partial<BillingSettings>,
): BillingSettings {
  const settings = billingSettings(context);
  Object.assign(settings, changes);
  return settings;
}
