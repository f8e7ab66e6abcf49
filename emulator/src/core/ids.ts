import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A Stripe-shaped id: `prefix_` followed by 24 random alphanumerics (`cus_…`, `cs_test_…`, `evt_…`). */
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let suffix = '';
  for (const byte of bytes) suffix += ALPHABET[byte % ALPHABET.length];
  return `${prefix}_${suffix}`;
}

/** A client secret the way Stripe derives it from the owning object's id. */
export function newClientSecret(ownerId: string): string {
  return `${ownerId}_secret_${newId('x', 24).slice(2)}`;
}
