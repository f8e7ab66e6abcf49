// `stripe setup-webhook` against the emulator through the SDK: create, check, report, fix, refuse a version mismatch.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startEmulator, type RunningEmulator } from 'stripe-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../config/repository-root.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { createStripeGateway, STRIPE_API_VERSION, type StripeGateway } from '../stripe/gateway.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';
import { HANDLED_EVENT_TYPES } from '../webhooks/handlers/handler-registry.js';

const run = promisify(execFile);
const URL_A = 'https://billing.example.com/webhooks/stripe';

describe('npm run billing -- stripe setup-webhook', () => {
  let database: TestDatabase;
  let emulator: RunningEmulator;
  let stripe: StripeGateway;
  const billing = (...args: string[]) =>
    run(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/cli/main.ts', 'stripe', ...args], {
      cwd: path.join(repositoryRoot, 'service'),
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        DATABASE_URL: database.url,
        STRIPE_SECRET_KEY: 'sk_test_setup_webhook',
        STRIPE_API_BASE: emulator.url,
      },
    });
  const endpointsFor = async (url: string) =>
    (await stripe.listWebhookEndpoints()).data.filter((endpoint) => endpoint.url === url);

  beforeAll(async () => {
    database = await createTestDatabase();
    emulator = await startEmulator({ logLevel: 'silent' });
    stripe = createStripeGateway(
      {
        secretKey: 'sk_test_setup_webhook',
        apiBase: emulator.url,
        timeoutMs: 5000,
        maxNetworkRetries: 0,
        breaker: { errorThresholdPercentage: 50, volumeThreshold: 100, resetTimeoutMs: 1000 },
      },
      createLogger({ level: 'silent', pretty: false, secrets: [] }),
      createMetrics().registry,
      { settings: { perSecond: 1000, maxWaitMs: 2000, keyMode: 'test' }, redis: undefined },
    );
  });
  afterAll(async () => {
    await emulator.close();
    await database.drop();
  });

  it('registers the endpoint with the handled events on our API version and prints its secret once', async () => {
    const created = await billing('setup-webhook', '--url', URL_A);
    expect(created.stdout).toContain(`created webhook endpoint we_`);
    const secret = /signing secret \(shown once, put it in STRIPE_WEBHOOK_SECRET\): (whsec_\w+)/.exec(
      created.stdout,
    )?.[1];
    expect(secret).toMatch(/^whsec_/);
    const [endpoint] = await endpointsFor(URL_A);
    expect(endpoint?.api_version).toBe(STRIPE_API_VERSION);
    expect(endpoint?.status).toBe('enabled');
    expect([...(endpoint?.enabled_events ?? [])].sort()).toEqual([...HANDLED_EVENT_TYPES].sort());
  });

  it('checks an existing endpoint instead of creating a second one', async () => {
    const checked = await billing('setup-webhook', '--url', URL_A);
    expect(checked.stdout).toMatch(/is enabled, sends the \d+ events we handle and uses API version/);
    expect(checked.stdout).not.toContain('whsec_');
    expect(await endpointsFor(URL_A)).toHaveLength(1);
  });

  it('reports a disabled endpoint missing events, and --fix enables it and adds them', async () => {
    const [endpoint] = await endpointsFor(URL_A);
    await stripe.updateWebhookEndpoint(endpoint!.id, { enabled_events: ['invoice.paid'], disabled: true });
    const reported = billing('setup-webhook', '--url', URL_A);
    await expect(reported).rejects.toMatchObject({ code: 1 });
    const { stdout } = (await reported.catch((error: unknown) => error)) as { stdout: string };
    expect(stdout).toContain('  - it is disabled');
    expect(stdout).toMatch(/ {2}- it does not send .*checkout\.session\.completed/);
    expect(stdout).toContain('run again with --fix');

    const fixed = await billing('setup-webhook', '--url', URL_A, '--fix');
    expect(fixed.stdout).toContain(`fixed webhook endpoint ${endpoint!.id}: enabled`);
    const [after] = await endpointsFor(URL_A);
    expect(after?.status).toBe('enabled');
    expect(after?.enabled_events).toEqual(expect.arrayContaining(HANDLED_EVENT_TYPES));
  });

  it('refuses to fix an endpoint pinned to another API version: it must be replaced', async () => {
    const url = 'https://old.example.com/webhooks/stripe';
    await stripe.createWebhookEndpoint(
      { url, enabled_events: ['*'], api_version: '2024-06-20', description: 'an older endpoint' },
      'setup-webhook-test-old-version',
    );
    const attempt = billing('setup-webhook', '--url', url, '--fix');
    await expect(attempt).rejects.toMatchObject({ code: 1 });
    const { stdout } = (await attempt.catch((error: unknown) => error)) as { stdout: string };
    expect(stdout).toContain(`it is pinned to API version 2024-06-20, ours is ${STRIPE_API_VERSION}`);
    expect((await endpointsFor(url))[0]?.api_version).toBe('2024-06-20');
  });

  it('exits 2 with its usage without a valid --url', async () => {
    await expect(billing('setup-webhook')).rejects.toMatchObject({ code: 2 });
    await expect(billing('setup-webhook', '--url', 'not a url')).rejects.toMatchObject({ code: 2 });
  });
});
