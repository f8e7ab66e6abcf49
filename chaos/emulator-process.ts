// The chaos run's Stripe: one stripe-emulator in a process of its own, seeded with the demo catalog, sending its
// webhooks to the given URL with a fast retry schedule (nothing given up within a run). Prints `PORT n` when up;
// the harness drives it only through its HTTP API and control API (/_emulator/…).
import { startEmulator } from 'stripe-emulator';
import { DEMO_CATALOG } from '../service/src/dev/demo-catalog.js';

const [webhookUrl, secret, port] = process.argv.slice(2);
if (webhookUrl === undefined || secret === undefined) {
  process.stderr.write('usage: emulator-process.ts WEBHOOK_URL WEBHOOK_SECRET [PORT]\n');
  process.exit(2);
}
const emulator = await startEmulator({
  port: Number(port ?? 0),
  seed: DEMO_CATALOG,
  logLevel: 'error',
  webhooks: [{ url: webhookUrl, secret }],
  webhookRetry: {
    initialDelayMs: 200,
    maxDelayMs: 2000,
    maxAttempts: 400,
    timeoutMs: 10_000,
    concurrency: 8,
  },
});
process.stdout.write(`PORT ${emulator.port}\n`);
const close = () => {
  const forced = setTimeout(() => process.exit(1), 5000);
  forced.unref();
  void emulator.close().then(() => process.exit(0));
};
process.once('SIGTERM', close);
process.once('SIGINT', close);
