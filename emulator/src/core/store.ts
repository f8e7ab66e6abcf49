// The in-memory state: one table per Stripe object, id prefixes, and side data emptied on reset.
import { resourceMissing } from './errors.js';

/** Every stored Stripe object has at least these keys; resource modules declare their own richer types. */
export interface StripeObject {
  id: string;
  object: string;
  [key: string]: unknown;
}

/**
 * One kind of Stripe object, in insertion order. Lists read newest first, as Stripe's do.
 * Objects are stored in their API shape; anything internal (a card's test behaviour, a clock binding) lives in
 * separate maps owned by the resource module, so what the API returns is exactly what is stored.
 */
export class Table<T extends StripeObject> {
  private readonly rows = new Map<string, T>();

  constructor(readonly objectName: string) {}

  insert(row: T): T {
    this.rows.set(row.id, row);
    return row;
  }

  find(id: string): T | undefined {
    return this.rows.get(id);
  }

  /** Throws Stripe's 404 `resource_missing` when the id is unknown. */
  get(id: string, param = 'id'): T {
    const row = this.rows.get(id);
    if (!row) throw resourceMissing(this.objectName, id, param);
    return row;
  }

  delete(id: string): boolean {
    return this.rows.delete(id);
  }

  /** Newest first. */
  list(filter?: (row: T) => boolean): T[] {
    const all = [...this.rows.values()].reverse();
    return filter ? all.filter(filter) : all;
  }

  get size(): number {
    return this.rows.size;
  }

  clear(): void {
    this.rows.clear();
  }
}

export interface StateSnapshot {
  tables: Array<[string, StripeObject[]]>;
  side: Array<[string, { clear(): void }]>;
}

/** All emulator state, in memory. `reset()` empties everything (the control API exposes it). */
export class EmulatorState {
  private readonly tables = new Map<string, Table<StripeObject>>();
  private readonly prefixes = new Map<string, string>();
  private readonly resetHooks: Array<() => void> = [];
  private readonly side = new Map<string, { clear(): void }>();

  /** The table for one Stripe object name (`customer`, `checkout.session`, …), created on first use. */
  table<T extends StripeObject>(objectName: string): Table<T> {
    let table = this.tables.get(objectName);
    if (!table) {
      table = new Table<StripeObject>(objectName);
      this.tables.set(objectName, table);
    }
    return table as unknown as Table<T>;
  }

  /** Declares which table ids with this prefix live in, so `expand` can resolve any id (`cus` → `customer`). */
  registerIdPrefix(prefix: string, objectName: string): void {
    this.prefixes.set(prefix, objectName);
  }

  /** Finds any object by id through the registered prefixes (longest prefix wins: `cs_test` before `cs`). */
  findById(id: string): StripeObject | undefined {
    let best: string | undefined;
    for (const prefix of this.prefixes.keys()) {
      if (id.startsWith(`${prefix}_`) && (!best || prefix.length > best.length)) best = prefix;
    }
    if (!best) return undefined;
    const objectName = this.prefixes.get(best);
    return objectName ? this.table(objectName).find(id) : undefined;
  }

  /** Lets a module clear its side maps when the state is reset. */
  onReset(hook: () => void): void {
    this.resetHooks.push(hook);
  }

  /** A module's named side collection (a Map or Set), created on first use; emptied by reset, kept by snapshots. */
  sideCollection<T extends { clear(): void }>(name: string, create: () => T): T {
    let collection = this.side.get(name);
    if (!collection) {
      collection = create();
      this.side.set(name, collection);
    }
    return collection as T;
  }

  /** Every table's rows and every side collection, as one graph (shared objects stay shared when serialized). */
  snapshot(): StateSnapshot {
    return {
      tables: [...this.tables].map(([name, table]) => [name, table.list().reverse()]),
      side: [...this.side],
    };
  }

  /** Replaces the state with a snapshot's tables and side collections. */
  restore(snapshot: StateSnapshot): void {
    this.reset();
    for (const [name, rows] of snapshot.tables) {
      const table = this.table(name);
      for (const row of rows) table.insert(row);
    }
    for (const [name, collection] of snapshot.side) this.side.set(name, collection);
  }

  reset(): void {
    for (const table of this.tables.values()) table.clear();
    for (const collection of this.side.values()) collection.clear();
    for (const hook of this.resetHooks) hook();
  }

  counts(): Record<string, number> {
    return Object.fromEntries([...this.tables].map(([name, table]) => [name, table.size]));
  }
}

/**
 * Side data a module keeps beside the tables for each emulator (a card's test behaviour, the ids it already
 * notified), by a name unique in the emulator: returns the accessor. The collection lives on the state, so reset
 * empties it and a snapshot on disk keeps it.
 */
export function sideData<T extends { clear(): void }>(
  name: string,
  create: () => T,
): (context: { state: EmulatorState }) => T {
  return ({ state }) => state.sideCollection(name, create);
}
