// Stripe-shaped ids and client secrets.
import { randomFillSync } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// One crypto call per 8 KiB of ids instead of one per id: id generation showed up in the load profile.
const pool = Buffer.alloc(8192);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const byte = pool[poolOffset] ?? 0;
  poolOffset += 1;
  return byte;
}

/** A Stripe-shaped id: `prefix_` followed by 24 random alphanumerics (`cus_…`, `cs_test_…`, `evt_…`). */
export function newId(prefix: string, length = 24): string {
  let suffix = '';
  for (let index = 0; index < length; index += 1) suffix += ALPHABET[randomByte() % ALPHABET.length];
  return `${prefix}_${suffix}`;
}

/** A client secret the way Stripe derives it from the owning object's id. */
export function newClientSecret(ownerId: string): string {
  return `${ownerId}_secret_${newId('x', 24).slice(2)}`;
}
