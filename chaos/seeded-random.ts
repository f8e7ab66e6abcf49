// A small seeded pseudo-random generator (mulberry32): every choice of a chaos run (traffic, faults, timing of
// the plan) comes from it, so a seed names one run's plan. Not for anything secret.
export interface SeededRandom {
  /** A float in [0, 1). */
  next: () => number;
  /** An integer in [min, max]. */
  integer: (min: number, max: number) => number;
  /** True with the given probability. */
  chance: (probability: number) => boolean;
  pick: <T>(items: readonly T[]) => T;
  /** One of the keys, each as likely as its weight. */
  weighted: <K extends string>(weights: Record<K, number>) => K;
  /** A generator of its own, derived from this one, so one stream's use does not shift another's. */
  fork: () => SeededRandom;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
  const integer = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    integer,
    chance: (probability) => next() < probability,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[integer(0, items.length - 1)]!;
    },
    weighted: (weights) => {
      const entries = Object.entries(weights) as Array<[keyof typeof weights, number]>;
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [key, weight] of entries) {
        roll -= weight;
        if (roll < 0) return key;
      }
      return entries[entries.length - 1]![0];
    },
    fork: () => seededRandom(integer(0, 2 ** 32 - 1)),
  };
}
