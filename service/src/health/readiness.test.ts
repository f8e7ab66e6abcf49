import { describe, expect, it } from 'vitest';
import { createReadiness } from './readiness.js';

describe('readiness', () => {
  it('fails a check that does not answer within the timeout', async () => {
    const readiness = createReadiness([{ name: 'stuck', run: () => new Promise<void>(() => undefined) }], {
      timeoutMs: 20,
    });
    const report = await readiness.evaluate();
    expect(report).toMatchObject({
      status: 'not_ready',
      checks: [{ name: 'stuck', status: 'fail', error: 'timed out after 20 ms' }],
    });
  });

  it('runs every named check and is ready only when all pass', async () => {
    const readiness = createReadiness(
      [
        { name: 'first', run: async () => undefined },
        {
          name: 'second',
          run: async () => {
            throw new Error('circuit open');
          },
        },
      ],
      { timeoutMs: 1000 },
    );
    const report = await readiness.evaluate();
    expect(report.status).toBe('not_ready');
    expect(report.checks.map((check) => [check.name, check.status, check.error])).toEqual([
      ['first', 'pass', undefined],
      ['second', 'fail', 'circuit open'],
    ]);
  });

  it('reports shutting_down once marked, even when every check passes', async () => {
    const readiness = createReadiness([{ name: 'fine', run: async () => undefined }], { timeoutMs: 1000 });
    expect((await readiness.evaluate()).status).toBe('ready');
    readiness.markShuttingDown();
    expect(readiness.isShuttingDown()).toBe(true);
    expect((await readiness.evaluate()).status).toBe('shutting_down');
  });
});
