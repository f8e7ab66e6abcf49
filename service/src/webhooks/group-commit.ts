// Group commit: items submitted while a write is in flight wait for it to return, then go out together in the
// next write (up to maxBatch). No timer: a lone item is written at once, and under load batches grow by
// themselves to what arrived during one commit. Each submitter's promise settles only after its own batch's
// write settled, with that write's result for its item — or the write's error. When `isolateFailures` says a
// failed write was refused because of its items (not because the database is down), the batch is split in halves
// and each written again, down to single items: one bad item fails alone and the rest still commit.

export interface GroupCommitQueue<Item, Result> {
  submit: (item: Item) => Promise<Result>;
  /** Resolves once nothing is queued or being written. */
  drain: () => Promise<void>;
}

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export function createGroupCommitQueue<Item, Result>(
  writeBatch: (items: Item[]) => Promise<Result[]>,
  options: { maxBatch: number; isolateFailures?: (error: unknown) => boolean },
): GroupCommitQueue<Item, Result> {
  let queue: Array<Waiting<Item, Result>> = [];
  let writing = false;
  let idle: Array<() => void> = [];

  async function write(batch: Array<Waiting<Item, Result>>): Promise<void> {
    try {
      const results = await writeBatch(batch.map((waiting) => waiting.item));
      batch.forEach((waiting, index) => waiting.resolve(results[index] as Result));
    } catch (error) {
      if (batch.length > 1 && options.isolateFailures?.(error) === true) {
        const half = Math.ceil(batch.length / 2);
        await write(batch.slice(0, half));
        await write(batch.slice(half));
        return;
      }
      for (const waiting of batch) waiting.reject(error);
    }
  }

  async function writeNext(): Promise<void> {
    writing = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, options.maxBatch);
      queue = queue.slice(batch.length);
      await write(batch);
    }
    writing = false;
    const waiters = idle;
    idle = [];
    for (const resolve of waiters) resolve();
  }

  return {
    submit(item) {
      return new Promise<Result>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!writing) void writeNext();
      });
    },
    drain() {
      if (!writing && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}
