import { describe, expect, it } from 'vitest';
import { createGroupCommitQueue } from './group-commit.js';

function deferred() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { released, release };
}

describe('group commit queue', () => {
  it('writes a lone item at once, without waiting for company', async () => {
    const batches: number[][] = [];
    const queue = createGroupCommitQueue<number, string>(
      async (items) => {
        batches.push(items);
        return items.map((item) => `ok ${item}`);
      },
      { maxBatch: 10 },
    );
    expect(await queue.submit(1)).toBe('ok 1');
    expect(batches).toEqual([[1]]);
  });

  it('groups the items that arrive during a write into the next write, each answered with its own result', async () => {
    const batches: number[][] = [];
    const gate = deferred();
    const queue = createGroupCommitQueue<number, number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate.released;
        return items.map((item) => item * 10);
      },
      { maxBatch: 3 },
    );
    const first = queue.submit(1);
    const rest = [2, 3, 4, 5, 6].map((item) => queue.submit(item));
    gate.release();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50, 60]);
    expect(batches).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it("rejects every item of a failed write, and only that write's items", async () => {
    let calls = 0;
    const gate = deferred();
    const queue = createGroupCommitQueue<string, string>(
      async (items) => {
        calls += 1;
        if (calls === 1) {
          await gate.released;
          throw new Error('database down');
        }
        return items;
      },
      { maxBatch: 10 },
    );
    const failed = queue.submit('a');
    const later = queue.submit('b');
    gate.release();
    await expect(failed).rejects.toThrow('database down');
    expect(await later).toBe('b');
    await queue.drain();
  });
});
