// Counting unsettled webhook deliveries and waking whoever waits for them to settle.
/**
 * Counts the deliveries that have not settled yet (succeeded or used up their attempts) and wakes whoever waits for
 * that count to reach zero.
 */
export class UnsettledDeliveries {
  private pending = 0;
  private readonly waiters = new Set<() => void>();

  get count(): number {
    return this.pending;
  }

  add(): void {
    this.pending += 1;
  }

  settle(): void {
    this.pending = Math.max(0, this.pending - 1);
    this.wakeIfNone();
  }

  clear(): void {
    this.pending = 0;
    this.wakeIfNone();
  }

  /** Resolves true once nothing is pending, false when `timeoutMs` passes first. */
  waitForNone(timeoutMs: number): Promise<boolean> {
    if (this.pending === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.add(done);
    });
  }

  private wakeIfNone(): void {
    if (this.pending !== 0) return;
    for (const waiter of [...this.waiters]) waiter();
    this.waiters.clear();
  }
}
