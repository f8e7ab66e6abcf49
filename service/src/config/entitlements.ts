// Entitlements: the past_due grace period, the in-memory cache of each API process and how stale an answer it
// may serve while the database cannot be read.
import { integer, variable, type ParsedVariables } from './variable-spec.js';

export const entitlementVariables = {
  ENTITLEMENTS_PAST_DUE_GRACE_HOURS: variable({
    schema: integer(0, 24 * 90),
    default: '72',
    description:
      'A past_due subscription keeps its entitlements for this long after its period ended (0: none while past_due).',
  }),
  ENTITLEMENTS_CACHE_MAX: variable({
    schema: integer(0, 10_000_000),
    default: '100000',
    description:
      'Customers whose entitlements each API process keeps in memory (LRU, invalidated through LISTEN/NOTIFY; 0 disables the cache).',
  }),
  ENTITLEMENTS_MAX_STALENESS_SECONDS: variable({
    schema: integer(0, 86_400),
    default: '300',
    description:
      'While the database cannot be read, entitlement checks answer from memory for at most this long after it was last reachable, with an `Entitlements-Age` header (0: answer 503 instead).',
  }),
} as const;

export interface EntitlementsConfig {
  entitlements: { pastDueGraceHours: number; cacheMax: number; maxStalenessSeconds: number };
}

export function toEntitlementsConfig(
  values: ParsedVariables<typeof entitlementVariables>,
): EntitlementsConfig {
  return {
    entitlements: {
      pastDueGraceHours: values.ENTITLEMENTS_PAST_DUE_GRACE_HOURS,
      cacheMax: values.ENTITLEMENTS_CACHE_MAX,
      maxStalenessSeconds: values.ENTITLEMENTS_MAX_STALENESS_SECONDS,
    },
  };
}
