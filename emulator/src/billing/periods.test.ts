// Tests of billing period arithmetic: month ends, anchors and the share of a period left.
import { describe, expect, it } from 'vitest';
import { addIntervals, periodAround, remainingShare } from './periods.js';

const utc = (text: string) => Math.floor(Date.parse(text) / 1000);
const monthly = { interval: 'month' as const, interval_count: 1 };

describe('billing periods', () => {
  it('keeps the anchor day of month and clamps to short months', () => {
    const anchor = utc('2026-01-31T10:00:00Z');
    expect(addIntervals(anchor, monthly, 1)).toBe(utc('2026-02-28T10:00:00Z'));
    expect(addIntervals(anchor, monthly, 2)).toBe(utc('2026-03-31T10:00:00Z'));
    expect(addIntervals(anchor, monthly, 3)).toBe(utc('2026-04-30T10:00:00Z'));
  });

  it('handles yearly from a leap day, weeks and days', () => {
    expect(addIntervals(utc('2028-02-29T00:00:00Z'), { interval: 'year', interval_count: 1 }, 1)).toBe(
      utc('2029-02-28T00:00:00Z'),
    );
    expect(addIntervals(utc('2026-01-01T00:00:00Z'), { interval: 'week', interval_count: 2 }, 1)).toBe(
      utc('2026-01-15T00:00:00Z'),
    );
    expect(addIntervals(utc('2026-01-01T00:00:00Z'), { interval: 'day', interval_count: 1 }, 3)).toBe(
      utc('2026-01-04T00:00:00Z'),
    );
  });

  it('finds the period around a moment and the remaining share to the second', () => {
    const anchor = utc('2026-01-15T00:00:00Z');
    const period = periodAround(anchor, monthly, utc('2026-03-20T00:00:00Z'));
    expect(period).toEqual({
      start: utc('2026-03-15T00:00:00Z'),
      end: utc('2026-04-15T00:00:00Z'),
      index: 2,
    });
    expect(remainingShare(0, 100, 25)).toBe(0.75);
  });
});
