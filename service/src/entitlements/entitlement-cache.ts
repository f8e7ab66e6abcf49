// In-process cache of each customer's entitlements, bounded (LRU), kept correct across replicas by PostgreSQL
// LISTEN/NOTIFY: a recompute notifies the customer's external id when its transaction commits, and every
// process drops that entry. The cache serves only while the LISTEN connection is up; when it drops, the cache
// is bypassed until it is back (and then emptied), so a missed notification can never leave stale access behind.
// What it held when the connection dropped is kept as the last known answer: only when the database itself
// cannot be read does the service fall back on it (lastKnown), for a bounded time, saying how old it is.
import pg from 'pg';
import type { Logger } from '../observability/logger.js';
import { ENTITLEMENTS_CHANNEL, type EntitlementRow } from './entitlements.repo.js';

const RECONNECT_DELAY_MS = 1000;
/** "No such customer" is remembered only briefly: customers are created elsewhere without a notification. */
const UNKNOWN_CUSTOMER_TTL_MS = 1000;

interface Entry {
  rows: EntitlementRow[] | undefined;
  storedAt: number;
}

export interface EntitlementCache {
  /** The cached rows, or a miss (`found: false`). */
  get: (externalId: string) => { found: true; rows: EntitlementRow[] | undefined } | { found: false };
  /** Stores a load, unless an invalidation arrived since `token` was taken. */
  set: (externalId: string, rows: EntitlementRow[] | undefined, token: number) => void;
  /** Taken before loading from the database. */
  token: () => number;
  /**
   * While not listening: the rows held when the LISTEN connection dropped, if that was at most `maxAgeMs` ago,
   * with their age (they were known correct until then). For when the database cannot be read.
   */
  lastKnown: (externalId: string, maxAgeMs: number) => { rows: EntitlementRow[]; ageMs: number } | undefined;
  /** Starts listening if it has not; resolves once the cache serves (or could not connect this time). */
  ready: () => Promise<void>;
  close: () => Promise<void>;
}

export function createEntitlementCache(options: {
  databaseUrl: string | undefined;
  maxEntries: number;
  logger: Logger;
}): EntitlementCache {
  const entries = new Map<string, Entry>();
  let listening = false;
  let closed = false;
  let invalidations = 0;
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  /** When the LISTEN connection dropped; undefined while listening (or before the first connection). */
  let lostAt: number | undefined;

  function invalidateAll() {
    invalidations += 1;
    entries.clear();
  }

  async function connect(): Promise<void> {
    if (options.databaseUrl === undefined || closed) return;
    const listener = new pg.Client({
      connectionString: options.databaseUrl,
      application_name: 'billing-entitlements-cache',
    });
    listener.on('notification', (message) => {
      invalidations += 1;
      if (message.payload !== undefined) entries.delete(message.payload);
    });
    listener.on('error', (error) => {
      options.logger.warn(
        { error: error.message },
        'entitlement cache: LISTEN connection lost; bypassing the cache',
      );
      if (listening) lostAt = Date.now();
      listening = false;
      // Loads in flight may have missed a notification: they must not be stored. The entries stay, as the
      // last known answers.
      invalidations += 1;
      void listener.end().catch(() => undefined);
      client = undefined;
      setTimeout(() => ensureListening(), RECONNECT_DELAY_MS).unref();
    });
    try {
      await listener.connect();
      await listener.query(`LISTEN ${ENTITLEMENTS_CHANNEL}`);
      client = listener;
      // Anything cached before this moment may have missed a notification.
      invalidateAll();
      lostAt = undefined;
      listening = !closed;
    } catch (error) {
      options.logger.warn({ err: error }, 'entitlement cache: cannot LISTEN; reading from the database');
      await listener.end().catch(() => undefined);
      setTimeout(() => ensureListening(), RECONNECT_DELAY_MS).unref();
    }
  }

  function ensureListening() {
    if (listening || closed || options.maxEntries === 0) return;
    connecting ??= connect().finally(() => {
      connecting = undefined;
    });
  }

  return {
    get(externalId) {
      ensureListening();
      if (!listening) return { found: false };
      const entry = entries.get(externalId);
      if (entry === undefined) return { found: false };
      if (entry.rows === undefined && Date.now() - entry.storedAt > UNKNOWN_CUSTOMER_TTL_MS) {
        entries.delete(externalId);
        return { found: false };
      }
      // Map order is insertion order: re-inserting makes this the most recently used.
      entries.delete(externalId);
      entries.set(externalId, entry);
      return { found: true, rows: entry.rows };
    },
    set(externalId, rows, token) {
      if (!listening || token !== invalidations) return;
      entries.set(externalId, { rows, storedAt: Date.now() });
      if (entries.size > options.maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
    token: () => invalidations,
    lastKnown(externalId, maxAgeMs) {
      if (listening || lostAt === undefined) return undefined;
      const ageMs = Date.now() - lostAt;
      if (ageMs > maxAgeMs) return undefined;
      const rows = entries.get(externalId)?.rows;
      // "No such customer" is never served from memory in an outage: it may have been created since.
      return rows === undefined ? undefined : { rows, ageMs };
    },
    async ready() {
      ensureListening();
      await connecting;
    },
    async close() {
      closed = true;
      listening = false;
      await connecting;
      await client?.end().catch(() => undefined);
    },
  };
}
