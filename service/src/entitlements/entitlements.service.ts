// Entitlements: derived from active, trialing (and past_due within a grace period) subscriptions and paid
// one-time orders, through the features each product declares. Recomputed inside the transaction of every
// event that touches a customer; read through an in-process cache invalidated by NOTIFY.
import { isDatabaseUnavailableError } from '../db/database-errors.js';
import type { Pool, PoolClient } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { EntitlementCache } from './entitlement-cache.js';
import * as repo from './entitlements.repo.js';
import type { EntitlementRow } from './entitlements.repo.js';

export interface EntitlementCheck {
  entitled: boolean;
  source: { type: 'subscription' | 'order'; id: string } | null;
  expires_at: string | null;
}

/** An answer, and how old it is when it was served from memory during a database outage (else undefined). */
export interface EntitlementAnswer<Value> {
  value: Value;
  ageSeconds: number | undefined;
}

export interface EntitlementsService {
  /** Recomputes the customer's entitlements from its subscriptions and orders, in the caller's transaction. */
  recomputeForCustomer: (client: PoolClient, customerId: string) => Promise<void>;
  /** Recomputes those of every customer holding the product; returns how many. */
  recomputeForProduct: (client: PoolClient, productId: string) => Promise<number>;
  /** The fast check: served from the cache when it can be (and from memory, aged, in a database outage). */
  check: (externalId: string, feature: string) => Promise<EntitlementAnswer<EntitlementCheck>>;
  /** Every current entitlement of a customer, one per feature (its longest-lasting source). */
  listCurrent: (
    externalId: string,
  ) => Promise<EntitlementAnswer<Array<EntitlementCheck & { feature: string }>>>;
}

const NOT_ENTITLED: EntitlementCheck = { entitled: false, source: null, expires_at: null };

function isCurrent(row: EntitlementRow, now: number): boolean {
  return row.expires_at === null || row.expires_at.getTime() > now;
}

export function createEntitlementsService(options: {
  pool: Pool;
  cache: EntitlementCache;
  pastDueGraceHours: number;
  /** How old a cached answer may be to be served while the database cannot be read; 0 (default): never. */
  maxStalenessMs?: number;
}): EntitlementsService {
  const { pool, cache } = options;

  async function rowsOf(externalId: string): Promise<EntitlementAnswer<EntitlementRow[]>> {
    const cached = cache.get(externalId);
    let rows: EntitlementRow[] | undefined;
    if (cached.found) {
      rows = cached.rows;
    } else {
      const token = cache.token();
      try {
        rows = await repo.findEntitlementsOfExternalId(pool, externalId);
      } catch (error) {
        const lastKnown = isDatabaseUnavailableError(error)
          ? cache.lastKnown(externalId, options.maxStalenessMs ?? 0)
          : undefined;
        if (lastKnown === undefined) throw error;
        return { value: lastKnown.rows, ageSeconds: Math.ceil(lastKnown.ageMs / 1000) };
      }
      cache.set(externalId, rows, token);
    }
    if (rows === undefined) {
      throw new AppError('not_found', `external_id: no customer "${externalId}"`);
    }
    return { value: rows, ageSeconds: undefined };
  }

  return {
    recomputeForCustomer: (client: PoolClient, customerId: string) =>
      repo.recomputeEntitlements(client, customerId, options.pastDueGraceHours),

    async recomputeForProduct(client: PoolClient, productId: string): Promise<number> {
      const customerIds = await repo.listCustomersHoldingProduct(client, productId);
      for (const customerId of customerIds) {
        await repo.recomputeEntitlements(client, customerId, options.pastDueGraceHours);
      }
      return customerIds.length;
    },

    async check(externalId, feature) {
      const now = Date.now();
      const { value: rows, ageSeconds } = await rowsOf(externalId);
      // Rows come ordered by feature, then the longest-lasting source first.
      const row = rows.find((candidate) => candidate.feature === feature && isCurrent(candidate, now));
      if (row === undefined) return { value: NOT_ENTITLED, ageSeconds };
      return {
        value: {
          entitled: true,
          source: { type: row.source_kind, id: row.source_id },
          expires_at: row.expires_at?.toISOString() ?? null,
        },
        ageSeconds,
      };
    },

    async listCurrent(externalId) {
      const now = Date.now();
      const byFeature = new Map<string, EntitlementRow>();
      const { value: rows, ageSeconds } = await rowsOf(externalId);
      for (const row of rows) {
        if (isCurrent(row, now) && !byFeature.has(row.feature)) byFeature.set(row.feature, row);
      }
      const value = [...byFeature.values()].map((row) => ({
        feature: row.feature,
        entitled: true,
        source: { type: row.source_kind, id: row.source_id },
        expires_at: row.expires_at?.toISOString() ?? null,
      }));
      return { value, ageSeconds };
    },
  };
}
