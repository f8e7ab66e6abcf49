// GET /v1/account through the SDK: one account per emulator instance, the same id across calls, a reset and a
// restart from its state folder; another emulator is another account.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../index.js';
import { missingFixtureKeys } from '../test-support/fixture-keys.js';
import { startEmulatorWithClient, stripeClientFor } from '../test-support/sdk.js';

describe('GET /v1/account', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'emulator-account-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is one account per emulator, kept by a reset, with the keys of Stripe’s sample', async () => {
    const first = await startEmulatorWithClient();
    const second = await startEmulatorWithClient();
    try {
      const account = await first.stripe.accounts.retrieveCurrent();
      expect(account.id).toMatch(/^acct_\w{16}$/);
      expect(account.object).toBe('account');
      expect(missingFixtureKeys('account', account)).toEqual([]);
      expect((await first.stripe.accounts.retrieveCurrent()).id).toBe(account.id);
      first.emulator.reset();
      expect((await first.stripe.accounts.retrieveCurrent()).id).toBe(account.id);
      expect((await second.stripe.accounts.retrieveCurrent()).id).not.toBe(account.id);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('keeps its id across a restart from the same state folder', async () => {
    const before = await startEmulator({ dataDir });
    const id = (await stripeClientFor(before).accounts.retrieveCurrent()).id;
    await before.close();
    const after = await startEmulator({ dataDir });
    try {
      expect((await stripeClientFor(after).accounts.retrieveCurrent()).id).toBe(id);
    } finally {
      await after.close();
    }
  });
});
