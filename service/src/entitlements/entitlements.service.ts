// Entitlements: derived from active, trialing (and past_due within a grace period) subscriptions and paid
// one-time orders, through the features each product declares. Recomputed inside the transaction of every
// event that touches a customer; read through an in-process cache invalidated by NOTIFY.
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

export interface EntitlementsService {
  /** Recomputes the customer's entitlements from its subscriptions and orders, in the caller's transaction. */
  recomputeForCustomer: (client: PoolClient, customerId: string) => Promise<void>;
  /** Recomputes those of every customer holding the product; returns how many. */
  recomputeForProduct: (client: PoolClient, productId: string) => Promise<number>;
  /** The fast check: served from the cache when it can be. */
  check: (externalId: string, feature: string) => Promise<EntitlementCheck>;
  /** Every current entitlement of a customer, one per feature (its longest-lasting source). */
  listCurrent: (externalId: string) => Promise<Array<EntitlementCheck & { feature: string }>>;
}

const NOT_ENTITLED: EntitlementCheck = { entitled: false, source: null, expires_at: null };

function isCurrent(row: EntitlementRow, now: number): boolean {
  return row.expires_at === null || row.expires_at.getTime() > now;
}

export function createEntitlementsService(options: {
  pool: Pool;
  cache: EntitlementCache;
  pastDueGraceHours: number;
}): EntitlementsService {
  const { pool, cache } = options;

  async function rowsOf(externalId: string): Promise<EntitlementRow[]> {
    const cached = cache.get(externalId);
    let rows: EntitlementRow[] | undefined;
    if (cached.found) {
      rows = cached.rows;
    } else {
      const token = cache.token();
      rows = await repo.findEntitlementsOfExternalId(pool, externalId);
      cache.set(externalId, rows, token);
    }
    if (rows === undefined) {
      throw new AppError('not_found', `external_id: no customer "${externalId}"`);
    }
    return rows;
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
      // Rows come ordered by feature, then the longest-lasting source first.
      const row = (await rowsOf(externalId)).find(
        (candidate) => candidate.feature === feature && isCurrent(candidate, now),
      );
      if (row === undefined) return NOT_ENTITLED;
      return {
        entitled: true,
        source: { type: row.source_kind, id: row.source_id },
        expires_at: row.expires_at?.toISOString() ?? null,
      };
    },

    async listCurrent(externalId) {
      const now = Date.now();
      const byFeature = new Map<string, EntitlementRow>();
      for (const row of await rowsOf(externalId)) {
        if (isCurrent(row, now) && !byFeature.has(row.feature)) byFeature.set(row.feature, row);
      }
      return [...byFeature.values()].map((row) => ({
        feature: row.feature,
        entitled: true,
        source: { type: row.source_kind, id: row.source_id },
        expires_at: row.expires_at?.toISOString() ?? null,
      }));
    },
  };
}
