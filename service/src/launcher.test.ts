import { describe, expect, it } from 'vitest';
import { startServiceProcess } from './test-support/service-process.js';

describe('launcher', () => {
  it('exits with a non-zero code and names PORT when PORT is not a number', async () => {
    const service = startServiceProcess('src/launcher.ts', { NODE_ENV: 'test', PORT: 'abc' });
    const { code } = await service.exited;
    expect(code).not.toBe(0);
    expect(service.stderr()).toContain('PORT: must be a whole number (got "abc")');
  });

  it('refuses to start in production without DATABASE_URL instead of embedding a database', async () => {
    const service = startServiceProcess('src/launcher.ts', { NODE_ENV: 'production' });
    const { code } = await service.exited;
    expect(code).not.toBe(0);
    expect(service.stderr()).toContain('DATABASE_URL: is required when NODE_ENV=production');
  });
});
