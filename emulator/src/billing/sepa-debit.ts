// SEPA Direct Debit payment methods from an IBAN, settling as Stripe's test IBANs say.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { paymentMethods, setPaymentBehaviour, type PaymentMethod } from './payment-methods.js';

/** Minutes Stripe's "delayed" test IBANs stay processing ("after at least three minutes"). */
const DELAYED_SECONDS = 3 * 60;

/**
 * Stripe's Austrian test IBANs: succeeds, succeeds after three minutes, fails, fails after three minutes. Every
 * other IBAN with a valid checksum is taken too and its debit fails, since test mode debits no real account.
 */
const TEST_IBANS: Record<string, { outcome: 'succeeds' | 'fails'; settleAfterSeconds: number }> = {
  AT611904300234573201: { outcome: 'succeeds', settleAfterSeconds: 0 },
  AT321904300235473204: { outcome: 'succeeds', settleAfterSeconds: DELAYED_SECONDS },
  AT861904300235473202: { outcome: 'fails', settleAfterSeconds: 0 },
  AT051904300235473205: { outcome: 'fails', settleAfterSeconds: DELAYED_SECONDS },
  DE89370400440532013000: { outcome: 'succeeds', settleAfterSeconds: 0 },
  DE62370400440532013001: { outcome: 'fails', settleAfterSeconds: 0 },
};

export function createSepaDebitPaymentMethod(
  context: EmulatorContext,
  rawIban: string,
  billingDetails: Record<string, unknown>,
  now: number,
): PaymentMethod {
  const iban = rawIban.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban) || !ibanChecksumValid(iban)) {
    throw invalidRequest(
      'The IBAN you provided is invalid.',
      'sepa_debit[iban]',
      'invalid_bank_account_iban',
    );
  }
  const behaviour = TEST_IBANS[iban] ?? { outcome: 'fails', settleAfterSeconds: 0 };
  const paymentMethod: PaymentMethod = {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: billingDetails,
    created: now,
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    sepa_debit: {
      bank_code: iban.slice(4, 9),
      branch_code: '',
      country: iban.slice(0, 2),
      fingerprint: `fp${iban.slice(-14)}`,
      generated_from: { charge: null, setup_attempt: null },
      last4: iban.slice(-4),
    },
    type: 'sepa_debit',
  };
  paymentMethods(context).insert(paymentMethod);
  setPaymentBehaviour(context, paymentMethod.id, {
    bankOutcome: behaviour.outcome,
    settleAfterSeconds: behaviour.settleAfterSeconds,
    successfulCharges: 0,
  });
  return paymentMethod;
}

/** ISO 13616: the country and check digits moved to the end, letters as numbers, mod 97 is 1. */
function ibanChecksumValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const digits = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}
