// `npm start` with no Stripe configured: a stripe-emulator in this process, seeded with the demo catalog, with
// the service's webhook endpoint registered and signed with the configured secret (or a development one).
// The service never imports the emulator elsewhere; production never gets here (the config refuses it).
import path from 'node:path';
import { startEmulator } from 'stripe-emulator';
import type { Config } from '../config/load-config.js';
import type { Logger } from '../observability/logger.js';
import { DEMO_CATALOG } from './demo-catalog.js';

/** Used when STRIPE_WEBHOOK_SECRET is empty in development, so the emulator's deliveries verify. */
export const DEV_WEBHOOK_SECRET = 'whsec_development_only_not_a_secret';

export interface DevStripe {
  /** The configuration with Stripe pointed at the emulator (and the webhook secret it signs with). */
  config: Config;
  emulatorUrl: string;
  /** Where the emulator keeps its state, beside the embedded database (`.data/stripe-emulator`). */
  dataDir: string;
  webhookUrl: string | undefined;
  stop: () => Promise<void>;
}

export async function startDevStripe(config: Config, logger: Logger): Promise<DevStripe> {
  if (config.nodeEnv === 'production') {
    throw new Error('The stripe-emulator is never started when NODE_ENV=production; set STRIPE_SECRET_KEY');
  }
  const secrets = config.webhooks.secrets.length > 0 ? config.webhooks.secrets : [DEV_WEBHOOK_SECRET];
  // The endpoint needs the API's real port: with PORT=0 it is unknown yet, so no endpoint is registered.
  const webhookUrl =
    config.http.port === 0 ? undefined : `http://127.0.0.1:${config.http.port}/webhooks/stripe`;
  if (webhookUrl === undefined) logger.warn('PORT=0: the emulator has no webhook endpoint for this service');
  const dataDir = path.join(path.dirname(config.embeddedPostgres.dataDir), 'stripe-emulator');
  const emulator = await startEmulator({
    dataDir,
    port: config.stripe.emulatorPort,
    host: '127.0.0.1',
    seed: DEMO_CATALOG,
    webhooks: webhookUrl === undefined ? [] : [{ url: webhookUrl, secret: secrets[0]! }],
    logLevel: 'warn',
  });
  logger.info(
    { url: emulator.url, products: DEMO_CATALOG.products.length, webhook: webhookUrl },
    'stripe-emulator started with the demo catalog',
  );
  return {
    config: {
      ...config,
      stripe: { ...config.stripe, apiBase: emulator.url },
      webhooks: { ...config.webhooks, secrets },
      secrets: config.secrets,
    },
    emulatorUrl: emulator.url,
    dataDir,
    webhookUrl,
    stop: () => emulator.close(),
  };
}

/** What a newcomer needs, printed once everything runs. */
export function describeDevEnvironment(input: {
  apiUrl: string;
  emulatorUrl: string | undefined;
  devApiKey: string | undefined;
  /** The development return pages' URLs, for a checkout's success_url and cancel_url. */
  returnPages?: { success_url: string; cancel_url: string } | undefined;
}): string {
  const lines = [
    '',
    'billing-service is running',
    `  API            ${input.apiUrl}`,
    `  API docs       ${input.apiUrl}/docs`,
    `  readiness      ${input.apiUrl}/health/ready`,
  ];
  if (input.emulatorUrl !== undefined) {
    lines.push(
      `  Stripe         stripe-emulator at ${input.emulatorUrl} (state: ${input.emulatorUrl}/_emulator/state)`,
    );
  }
  if (input.devApiKey !== undefined) {
    lines.push(`  dev API key    ${input.devApiKey}`);
  }
  if (input.returnPages !== undefined) {
    lines.push(
      `  return pages   ${input.returnPages.success_url}`,
      `                 ${input.returnPages.cancel_url}`,
    );
  }
  if (input.devApiKey !== undefined) {
    lines.push('', `  try: curl -H 'Authorization: Bearer ${input.devApiKey}' ${input.apiUrl}/v1/catalog`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The emulator's state on disk and our database must describe the same account: when a customer our database
 * mirrors is unknown to the emulator (one of the two was reset or deleted), checkouts would fail with "No such
 * customer". Returns the warning to print, or undefined when the newest mirrored customer exists in the emulator.
 */
export async function findMirrorMismatch(input: {
  pool: { query(sql: string): Promise<{ rows: Array<{ stripe_customer_id: string }> }> };
  emulatorUrl: string;
  dataDir: string;
  databaseDir: string;
}): Promise<string | undefined> {
  const { rows } = await input.pool.query(
    'SELECT stripe_customer_id FROM customers WHERE stripe_customer_id IS NOT NULL ORDER BY created_at DESC LIMIT 1',
  );
  const customerId = rows[0]?.stripe_customer_id;
  if (customerId === undefined) return undefined;
  const response = await fetch(`${input.emulatorUrl}/v1/customers/${encodeURIComponent(customerId)}`, {
    headers: { authorization: 'Bearer sk_test_launcher_check' },
  });
  if (response.status !== 404) return undefined;
  return (
    `The stripe-emulator does not know customer ${customerId}, which the database mirrors: the emulator's state ` +
    `(${input.dataDir}) and the database were reset separately. To start both afresh, stop the service and ` +
    `delete ${input.dataDir} and ${input.databaseDir} (or only the emulator's folder and the customers' rows).`
  );
}
