// Stripe's test cards and tokens and how each behaves when charged.
/**
 * Stripe's test cards and how each behaves when charged. The behaviour is internal: a payment method keeps only
 * its card details in its API shape; the emulator looks the behaviour up by the card number it was made from.
 */
export interface TestCard {
  number: string;
  brand: 'visa' | 'mastercard' | 'amex';
  funding: 'credit' | 'debit';
  country: string;
  /**
   * What happens on a charge. `declines`: the card is declined already when attached to a customer (and on any
   * charge without one); `attaches_then_declines`: attaching succeeds, every charge declines.
   */
  behaviour: 'pays' | 'declines' | 'attaches_then_declines' | 'requires_action';
  decline?: CardDecline;
  /** A succeeded charge is disputed at once: an inquiry or a fraudulent chargeback. */
  dispute?: 'inquiry' | 'chargeback';
}

export interface CardDecline {
  /** The error `code`: card_declined, expired_card, incorrect_cvc … */
  code: string;
  decline_code: string;
  message: string;
}

const GENERIC: CardDecline = {
  code: 'card_declined',
  decline_code: 'generic_decline',
  message: 'Your card was declined.',
};

const CARDS: TestCard[] = [
  { number: '4242424242424242', brand: 'visa', funding: 'credit', country: 'US', behaviour: 'pays' },
  { number: '4000056655665556', brand: 'visa', funding: 'debit', country: 'US', behaviour: 'pays' },
  { number: '5555555555554444', brand: 'mastercard', funding: 'credit', country: 'US', behaviour: 'pays' },
  { number: '378282246310005', brand: 'amex', funding: 'credit', country: 'US', behaviour: 'pays' },
  {
    number: '4000000000000002',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    behaviour: 'declines',
    decline: GENERIC,
  },
  {
    number: '4000000000009995',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    behaviour: 'declines',
    decline: {
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    },
  },
  {
    number: '4000000000009987',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    behaviour: 'declines',
    decline: { code: 'card_declined', decline_code: 'lost_card', message: 'Your card was declined.' },
  },
  {
    number: '4000000000000069',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    behaviour: 'declines',
    decline: { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.' },
  },
  {
    number: '4000000000000127',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    behaviour: 'declines',
    decline: {
      code: 'incorrect_cvc',
      decline_code: 'incorrect_cvc',
      message: "Your card's security code is incorrect.",
    },
  },
  {
    number: '4000000000000341',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    behaviour: 'attaches_then_declines',
    decline: GENERIC,
  },
  // 3D Secure required on every charge: off-session renewals need the customer (invoice.payment_action_required).
  {
    number: '4000002760003184',
    brand: 'visa',
    funding: 'credit',
    country: 'DE',
    behaviour: 'requires_action',
  },
  // 3D Secure 2 required on every charge, on and off session.
  {
    number: '4000000000003220',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    behaviour: 'requires_action',
  },
  // The charge succeeds, then the cardholder's bank opens an inquiry (a dispute `warning_needs_response`).
  {
    number: '4000000000001976',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    behaviour: 'pays',
    dispute: 'inquiry',
  },
  // The charge succeeds, then the cardholder disputes it as fraudulent (`needs_response`).
  {
    number: '4000000000000259',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    behaviour: 'pays',
    dispute: 'chargeback',
  },
];

/** PaymentMethod test tokens (`pm_card_visa`…) and the card each stands for. */
const TOKENS: Record<string, string> = {
  pm_card_visa: '4242424242424242',
  pm_card_visa_debit: '4000056655665556',
  pm_card_mastercard: '5555555555554444',
  pm_card_amex: '378282246310005',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
  pm_card_chargeDeclinedLostCard: '4000000000009987',
  pm_card_chargeDeclinedExpiredCard: '4000000000000069',
  pm_card_chargeDeclinedIncorrectCvc: '4000000000000127',
  pm_card_chargeCustomerFail: '4000000000000341',
  pm_card_authenticationRequired: '4000002760003184',
  pm_card_visa_chargeDeclined: '4000000000000002',
  pm_card_threeDSecure2Required: '4000000000003220',
  pm_card_createDisputeInquiry: '4000000000001976',
  pm_card_createDispute: '4000000000000259',
};

/**
 * Card token test values (`tok_visa`), taken where a token is (`card[token]`, a customer's `source`): the same
 * cards as the `pm_card_` values of the same name.
 */
const CARD_TOKENS: Record<string, string> = Object.fromEntries(
  Object.entries(TOKENS).map(([token, number]) => [token.replace(/^pm_card_/, 'tok_'), number]),
);

export const INCORRECT_NUMBER: CardDecline = {
  code: 'incorrect_number',
  decline_code: 'incorrect_number',
  message: 'Your card number is incorrect.',
};

/** The test card for a number (spaces ignored); unknown numbers that pass the Luhn check pay like a Visa. */
export function findTestCard(rawNumber: string): TestCard | undefined {
  const number = rawNumber.replace(/[\s-]/g, '');
  const known = CARDS.find((card) => card.number === number);
  if (known) return known;
  if (!/^\d{13,19}$/.test(number) || !passesLuhn(number)) return undefined;
  return { number, brand: 'visa', funding: 'credit', country: 'US', behaviour: 'pays' };
}

export function cardNumberForToken(token: string): string | undefined {
  return TOKENS[token] ?? CARD_TOKENS[token];
}

function passesLuhn(number: string): boolean {
  let sum = 0;
  for (let index = 0; index < number.length; index += 1) {
    let digit = Number(number[number.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
