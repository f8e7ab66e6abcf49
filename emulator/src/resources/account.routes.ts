// GET /v1/account: the account the secret key belongs to. Each emulator instance is one account with its own id
// (created at start, kept in its state folder across restarts and by a reset), so a client can tell two
// emulators apart as it would two Stripe accounts.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { newId } from '../core/ids.js';
import type { StripeObject } from '../core/store.js';

const requirements = () => ({
  alternatives: [],
  current_deadline: null,
  currently_due: [],
  disabled_reason: null,
  errors: [],
  eventually_due: [],
  past_due: [],
  pending_verification: [],
});

function accountObject(id: string, created: number): StripeObject {
  return {
    id,
    object: 'account',
    business_profile: {
      annual_revenue: null,
      estimated_worker_count: null,
      mcc: null,
      minority_owned_business_designation: null,
      name: 'stripe-emulator',
      product_description: null,
      support_address: null,
      support_email: null,
      support_phone: null,
      support_url: null,
      url: null,
    },
    business_type: null,
    capabilities: { card_payments: 'active', transfers: 'active' },
    charges_enabled: true,
    controller: { type: 'account' },
    country: 'US',
    created,
    default_currency: 'usd',
    details_submitted: true,
    email: null,
    external_accounts: {
      object: 'list',
      data: [],
      has_more: false,
      url: `/v1/accounts/${id}/external_accounts`,
    },
    future_requirements: requirements(),
    metadata: {},
    payouts_enabled: true,
    requirements: requirements(),
    settings: {
      bacs_debit_payments: { display_name: null, service_user_number: null },
      branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
      card_issuing: { tos_acceptance: { date: null, ip: null } },
      card_payments: {
        decline_on: { avs_failure: false, cvc_failure: false },
        statement_descriptor_prefix: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      dashboard: { display_name: 'stripe-emulator', timezone: 'Etc/UTC' },
      invoices: { default_account_tax_ids: null, hosted_payment_method_save: 'offer' },
      payments: {
        statement_descriptor: null,
        statement_descriptor_kana: null,
        statement_descriptor_kanji: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      payouts: {
        debit_negative_balances: true,
        schedule: { delay_days: 2, interval: 'daily' },
        statement_descriptor: null,
      },
      sepa_debit_payments: {},
    },
    tos_acceptance: { date: created, ip: null, user_agent: null },
    type: 'standard',
  };
}

const accountIds = new WeakMap<EmulatorContext['state'], string>();

/**
 * The instance's account: the stored one (restored from disk), else a new one with the id this instance had
 * (after a reset) or a new id. `created` tells the caller to save the state.
 */
export function ensureAccount(context: EmulatorContext): { account: StripeObject; created: boolean } {
  const table = context.state.table<StripeObject>('account');
  const stored = table.list()[0];
  if (stored !== undefined) {
    accountIds.set(context.state, stored.id);
    return { account: stored, created: false };
  }
  const id = accountIds.get(context.state) ?? newId('acct', 16);
  accountIds.set(context.state, id);
  return { account: table.insert(accountObject(id, context.clock.now())), created: true };
}

export function registerAccountRoutes(app: FastifyInstance, context: EmulatorContext): void {
  // A reset empties the tables; the account comes back with the same id (it is the instance, not its data).
  context.state.onReset(() => {
    if (accountIds.has(context.state)) ensureAccount(context);
  });
  app.get('/v1/account', async () => ensureAccount(context).account);
}
