// Tests of the command-line flags and their errors.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { optionsFromArgs, UsageError } from './cli-options.js';

describe('CLI flags', () => {
  it('defaults to 127.0.0.1:12111 and reads STRIPE_EMULATOR_PORT', () => {
    expect(optionsFromArgs([], {})).toMatchObject({
      port: 12111,
      host: '127.0.0.1',
      webhooks: [],
      logLevel: 'info',
    });
    expect(optionsFromArgs([], { STRIPE_EMULATOR_PORT: '4000' })).toMatchObject({ port: 4000 });
    expect(optionsFromArgs(['--port', '5000'], { STRIPE_EMULATOR_PORT: '4000' })).toMatchObject({
      port: 5000,
    });
  });

  it('takes --data-dir for state kept on disk', () => {
    expect(optionsFromArgs(['--data-dir', '/tmp/emulator-state'], {})).toMatchObject({
      dataDir: '/tmp/emulator-state',
    });
    expect(optionsFromArgs([], {})).not.toHaveProperty('dataDir');
  });

  it('pairs repeated --webhook and --webhook-secret in order', () => {
    const options = optionsFromArgs(
      [
        '--webhook',
        'http://a.test/h',
        '--webhook-secret',
        'whsec_a',
        '--webhook',
        'http://b.test/h',
        '--webhook-secret',
        'whsec_b',
      ],
      {},
    );
    expect(options).toMatchObject({
      webhooks: [
        { url: 'http://a.test/h', secret: 'whsec_a' },
        { url: 'http://b.test/h', secret: 'whsec_b' },
      ],
    });
  });

  it('reads the seed file', () => {
    const file = join(tmpdir(), `seed-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ products: [] }));
    expect(optionsFromArgs(['--seed', file], {})).toMatchObject({ seed: { products: [] } });
  });

  it('rejects bad flags with a clear UsageError', () => {
    expect(() => optionsFromArgs(['--bogus'], {})).toThrow(UsageError);
    expect(() => optionsFromArgs(['--port', 'abc'], {})).toThrow(/--port/);
    expect(() => optionsFromArgs(['--webhook', 'http://a.test'], {})).toThrow(/--webhook-secret/);
    expect(() => optionsFromArgs(['--webhook', 'ftp://a', '--webhook-secret', 'whsec_a'], {})).toThrow(
      /http/,
    );
    expect(() => optionsFromArgs(['--webhook', 'http://a', '--webhook-secret', 'abc'], {})).toThrow(/whsec_/);
    expect(() => optionsFromArgs(['--log-level', 'loud'], {})).toThrow(/--log-level/);
    expect(() => optionsFromArgs(['--seed', '/nonexistent/seed.json'], {})).toThrow(/cannot read/);
  });

  it('returns help for -h', () => {
    expect(optionsFromArgs(['-h'], {})).toBe('help');
  });
});
