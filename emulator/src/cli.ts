// The `stripe-emulator` command: parse flags, start, print a banner, close on SIGINT/SIGTERM.
import { optionsFromArgs, USAGE, UsageError } from './cli-options.js';
import { startEmulator } from './index.js';

/** The `stripe-emulator` command: parse flags, start, print a banner, close gracefully on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let options;
  try {
    options = optionsFromArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`stripe-emulator: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const emulator = await startEmulator(options).catch((error: unknown) => {
    process.stderr.write(`stripe-emulator: ${(error as Error).message}\n`);
    process.exit(1);
  });
  const lines = [`stripe-emulator listening on ${emulator.url} (API version ${emulator.context.apiVersion})`];
  for (const endpoint of emulator.webhooks.endpoints)
    lines.push(`  webhooks → ${endpoint.url} (${endpoint.id})`);
  if (options.seed !== undefined) {
    lines.push(`  seeded ${emulator.seeded.products} product(s), ${emulator.seeded.prices} price(s)`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    emulator.context.logger.info({ signal }, 'stripe-emulator shutting down');
    const forced = setTimeout(() => process.exit(1), 5_000);
    forced.unref();
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

await main();
