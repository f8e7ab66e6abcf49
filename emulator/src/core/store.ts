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

/** All emulator state, in memory. `reset()` empties everything (the control API exposes it). */
export class EmulatorState {
  private readonly tables = new Map<string, Table<StripeObject>>();
  private readonly prefixes = new Map<string, string>();
  private readonly resetHooks: Array<() => void> = [];

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

  reset(): void {
    for (const table of this.tables.values()) table.clear();
    for (const hook of this.resetHooks) hook();
  }

  counts(): Record<string, number> {
    return Object.fromEntries([...this.tables].map(([name, table]) => [name, table.size]));
  }
}

/**
 * Side data a module keeps beside the tables for each emulator (a card's test behaviour, the ids it already
 * notified): returns the accessor; the collection is created on first use and emptied by that emulator's reset.
 */
export function sideData<T extends { clear(): void }>(
  create: () => T,
): (context: { state: EmulatorState }) => T {
  const byState = new WeakMap<EmulatorState, T>();
  return ({ state }) => {
    let data = byState.get(state);
    if (!data) {
      const created = create();
      byState.set(state, created);
      state.onReset(() => created.clear());
      data = created;
    }
    return data;
  };
}
