// The billing portal configuration and session objects, their tables and the default configuration.
import type { EmulatorContext } from '../core/context.js';
import { newId } from '../core/ids.js';
import type { StripeObject } from '../core/store.js';

export interface PortalConfiguration extends StripeObject {
  object: 'billing_portal.configuration';
  active: boolean;
  is_default: boolean;
  default_return_url: string | null;
  business_profile: {
    headline: string | null;
    privacy_policy_url: string | null;
    terms_of_service_url: string | null;
  };
  features: {
    customer_update: { allowed_updates: string[]; enabled: boolean };
    invoice_history: { enabled: boolean };
    payment_method_update: { enabled: boolean; payment_method_configuration: null };
    subscription_cancel: {
      cancellation_reason: { enabled: boolean; options: string[] };
      enabled: boolean;
      mode: 'at_period_end' | 'immediately';
      proration_behavior: 'none' | 'create_prorations' | 'always_invoice';
    };
    subscription_update: {
      default_allowed_updates: string[];
      enabled: boolean;
      products: Array<{ adjustable_quantity?: unknown; prices: string[]; product: string }>;
      proration_behavior: 'none' | 'create_prorations' | 'always_invoice';
      schedule_at_period_end: { conditions: unknown[] };
      trial_update_behavior: 'end_trial' | 'continue_trial';
      billing_cycle_anchor: null;
    };
  };
  metadata: Record<string, string>;
  updated: number;
  [key: string]: unknown;
}

export interface PortalSession extends StripeObject {
  object: 'billing_portal.session';
  configuration: string;
  customer: string;
  return_url: string | null;
  url: string;
  created: number;
  [key: string]: unknown;
}

export function portalConfigurations(context: EmulatorContext) {
  return context.state.table<PortalConfiguration>('billing_portal.configuration');
}

export function portalSessions(context: EmulatorContext) {
  return context.state.table<PortalSession>('billing_portal.session');
}

export function newPortalConfiguration(now: number, isDefault: boolean): PortalConfiguration {
  return {
    id: newId('bpc'),
    object: 'billing_portal.configuration',
    active: true,
    application: null,
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    created: now,
    default_return_url: null,
    features: {
      customer_update: { allowed_updates: [], enabled: false },
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true, payment_method_configuration: null },
      subscription_cancel: {
        cancellation_reason: { enabled: false, options: [] },
        enabled: true,
        mode: 'at_period_end',
        proration_behavior: 'none',
      },
      subscription_update: {
        billing_cycle_anchor: null,
        default_allowed_updates: [],
        enabled: false,
        products: [],
        proration_behavior: 'create_prorations',
        schedule_at_period_end: { conditions: [] },
        trial_update_behavior: 'end_trial',
      },
    },
    is_default: isDefault,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: {},
    name: null,
    updated: now,
  };
}

/**
 * The account's default portal configuration. Stripe needs it saved in the Dashboard first; the emulator creates
 * one (cancel at period end, payment method update, invoice history) the first time a session needs it.
 */
export function defaultPortalConfiguration(context: EmulatorContext): PortalConfiguration {
  const table = portalConfigurations(context);
  const existing = table.list((row) => row.is_default)[0];
  if (existing) return existing;
  return table.insert(newPortalConfiguration(context.clock.now(), true));
}

/** The prices a configuration lets a customer switch to. */
export function switchablePrices(configuration: PortalConfiguration): string[] {
  const update = configuration.features.subscription_update;
  if (!update.enabled || !update.default_allowed_updates.includes('price')) return [];
  return update.products.flatMap((product) => product.prices);
}
