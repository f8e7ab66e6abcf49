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

describe('group commit queue, isolating refused items', () => {
  it('splits a refused batch until the bad item fails alone; the others are written', async () => {
    const batches: string[][] = [];
    const gate = deferred();
    const queue = createGroupCommitQueue<string, string>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate.released;
        if (items.includes('poison')) throw new Error('refused value');
        return items.map((item) => `ok ${item}`);
      },
      { maxBatch: 10, isolateFailures: (error) => (error as Error).message === 'refused value' },
    );
    const first = queue.submit('first');
    const items = ['a', 'b', 'poison', 'c', 'd', 'e'];
    const results = items.map((item) => queue.submit(item).catch((error: Error) => error.message));
    gate.release();
    expect(await first).toBe('ok first');
    expect(await Promise.all(results)).toEqual(['ok a', 'ok b', 'refused value', 'ok c', 'ok d', 'ok e']);
    // Halving: 6 → 3 + 3, the poisoned 3 → 2 + 1, the poisoned 1 alone.
    expect(batches.filter((batch) => batch.includes('poison')).at(-1)).toEqual(['poison']);
  });

  it('does not split a batch the database could not take at all', async () => {
    let writes = 0;
    const gate = deferred();
    const queue = createGroupCommitQueue<string, string>(
      async (items) => {
        writes += 1;
        if (writes === 1) {
          await gate.released;
          return items;
        }
        throw new Error('database down');
      },
      { maxBatch: 10, isolateFailures: (error) => (error as Error).message === 'refused value' },
    );
    const first = queue.submit('first');
    const rest = ['a', 'b', 'c'].map((item) => queue.submit(item).catch((error: Error) => error.message));
    gate.release();
    await first;
    expect(await Promise.all(rest)).toEqual(['database down', 'database down', 'database down']);
    expect(writes).toBe(2);
  });
});
