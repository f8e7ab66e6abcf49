// The command-line flags of `stripe-emulator`, turned into startEmulator options.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { StartEmulatorOptions } from './index.js';

export const USAGE = `Usage: stripe-emulator [options]

An offline, stateful Stripe for the official stripe SDK. Point the SDK at it with
  new Stripe('sk_test_…', { host: '127.0.0.1', port: 12111, protocol: 'http' })

Options:
  --port N                 port to listen on (default 12111, env STRIPE_EMULATOR_PORT; 0 = any free port)
  --host HOST              address to bind (default 127.0.0.1)
  --webhook URL            send every event to URL (repeatable)
  --webhook-secret SECRET  signing secret (whsec_…) of the --webhook at the same position (repeatable)
  --seed FILE              JSON catalog of products and prices to create at start
  --data-dir DIR           keep the state on disk in DIR (loaded at start, saved after changes)
  --log-level LEVEL        fatal, error, warn, info, debug, trace or silent (default info)
  -h, --help               show this help
`;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class UsageError extends Error {}

/** Turns command-line flags into startEmulator options; throws UsageError with a message for the user. */
export function optionsFromArgs(args: string[], env: NodeJS.ProcessEnv): StartEmulatorOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        webhook: { type: 'string', multiple: true },
        'webhook-secret': { type: 'string', multiple: true },
        seed: { type: 'string' },
        'data-dir': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values;
  if (values.help) return 'help';
  const portText = values.port ?? env.STRIPE_EMULATOR_PORT ?? '12111';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new UsageError(`--port must be 0–65535, got "${portText}".`);
  const urls = values.webhook ?? [];
  const secrets = values['webhook-secret'] ?? [];
  if (urls.length !== secrets.length) {
    throw new UsageError(
      `each --webhook needs a --webhook-secret (got ${urls.length} URL(s) and ${secrets.length} secret(s)).`,
    );
  }
  const webhooks = urls.map((url, index) => {
    const secret = secrets[index] ?? '';
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new UsageError(`--webhook must be an http(s) URL, got "${url}".`);
    }
    if (!secret.startsWith('whsec_')) throw new UsageError(`--webhook-secret must start with whsec_.`);
    return { url, secret };
  });
  const logLevel = values['log-level'] ?? 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}.`);
  return {
    port,
    host: values.host ?? '127.0.0.1',
    webhooks,
    logLevel,
    seed: readSeed(values.seed),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  };
}

function readSeed(file: string | undefined): unknown {
  if (file === undefined) return undefined;
  let text: string;
  try {
    // The operator names this file on the command line; reading it is the point.
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--seed: cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`--seed: ${file} is not valid JSON: ${(error as Error).message}`);
  }
}
