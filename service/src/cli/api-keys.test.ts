import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../config/repository-root.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';

const run = promisify(execFile);

describe('npm run billing -- api-keys', () => {
  let database: TestDatabase;
  const billing = (...args: string[]) =>
    run(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: path.join(repositoryRoot, 'service'),
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: database.url },
    });

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('creates a key shown once, lists it by prefix, and revokes it', async () => {
    const created = await billing('api-keys', 'create', '--name', 'backend', '--scopes', 'billing,admin');
    const key = /key \(shown once, store it now\): (bsk_\w+)/.exec(created.stdout)?.[1];
    const id = /created API key ([0-9a-f-]{36})/.exec(created.stdout)?.[1];
    expect(key).toMatch(/^bsk_test_[A-Za-z0-9]{43}$/);
    const listed = await billing('api-keys', 'list');
    expect(listed.stdout).toContain(`${key!.slice(0, 15)}…  backend  [billing,admin]  test  active`);
    expect(listed.stdout).not.toContain(key);
    const revoked = await billing('api-keys', 'revoke', id!);
    expect(revoked.stdout).toContain(`revoked API key ${id}`);
    expect((await billing('api-keys', 'list')).stdout).toContain('revoked');
  }, 120_000);

  it('rotates a key with an overlap: the new key printed once, the old one expiring after the overlap', async () => {
    const created = await billing(
      'api-keys',
      'create',
      '--name',
      'rotated',
      '--scopes',
      'customers:read',
      '--expires-in',
      '90d',
    );
    const id = /created API key ([0-9a-f-]{36})/.exec(created.stdout)?.[1];
    expect(created.stdout).toMatch(/expires \d{4}-/);
    const before = Date.now();
    const rotated = await billing('api-keys', 'rotate', id!, '--overlap', '24h');
    const newKey = /key \(shown once, store it now\): (bsk_\w+)/.exec(rotated.stdout)?.[1];
    expect(newKey).toMatch(/^bsk_test_[A-Za-z0-9]{43}$/);
    const oldExpiry = Date.parse(/old key [0-9a-f-]{36} expires (\S+)/.exec(rotated.stdout)?.[1] ?? '');
    expect(oldExpiry).toBeGreaterThan(before + 23 * 3_600_000);
    expect(oldExpiry).toBeLessThan(Date.now() + 24 * 3_600_000 + 1000);
    const listed = (await billing('api-keys', 'list')).stdout;
    expect(listed).toMatch(/rotated {2}\[customers:read\] {2}test {2}active, expires/);
    await expect(billing('api-keys', 'rotate', id!, '--overlap', 'soon')).rejects.toMatchObject({ code: 2 });
    await expect(billing('api-keys', 'create', '--name', 'x', '--expires-in', '1y')).rejects.toMatchObject({
      code: 2,
    });
    // Six CLI processes, each compiling the CLI with tsx: on a busy machine that outlasts the default 30 s.
  }, 120_000);

  it('exits 2 with the usage for an unknown command or missing name', async () => {
    await expect(billing('nonsense')).rejects.toMatchObject({ code: 2 });
    await expect(billing('api-keys', 'create')).rejects.toMatchObject({ code: 2 });
  });
});
