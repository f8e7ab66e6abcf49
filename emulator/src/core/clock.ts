// The emulator clock every module reads instead of Date.now().
/**
 * Emulator time. Everything in the emulator reads `now()` from a Clock instead of Date.now(), so tests can move
 * time forward. The global clock is wall time plus an offset; test clocks (see resources/test-clocks) each have their
 * own frozen time for the objects attached to them.
 */
export interface Clock {
  /** Unix seconds. */
  now(): number;
  /** Moves this clock forward by `seconds` (never backward). */
  advance(seconds: number): void;
}

export function createClock(startAt?: number): Clock {
  let offsetSeconds = startAt === undefined ? 0 : startAt - Math.floor(Date.now() / 1000);
  return {
    now: () => Math.floor(Date.now() / 1000) + offsetSeconds,
    advance(seconds) {
      if (!Number.isFinite(seconds) || seconds < 0) throw new Error('clock.advance needs seconds >= 0');
      offsetSeconds += Math.floor(seconds);
    },
  };
}
