// npm run billing -- sync [--resume]: backfills customers, products, prices, subscriptions and invoices from
// Stripe, prints the counts, and exits 0 only when everything was copied (3: rate-limited, 1: failed; both
// resumable with --resume).
import { parseArgs } from 'node:util';
import { backfillFromStripe } from '../webhooks/sync/stripe-backfill.js';
import type { CliContext } from './cli-context.js';

export const EXIT_RATE_LIMITED = 3;

export async function run(args: string[], context: CliContext): Promise<number> {
  const { values } = parseArgs({ args, options: { resume: { type: 'boolean', default: false } } });
  const result = await backfillFromStripe(context.dependencies, { resume: values.resume });
  const counts = Object.entries(result.counts)
    .map(([resource, count]) => `${resource} ${count}`)
    .join(', ');
  if (result.outcome === 'completed') {
    context.print(`sync completed: ${counts}`);
    return 0;
  }
  context.print(`sync ${result.outcome.replace('_', '-')} (${result.error ?? ''}) after: ${counts}`);
  context.print('run `npm run billing -- sync --resume` to continue where it stopped');
  return result.outcome === 'rate_limited' ? EXIT_RATE_LIMITED : 1;
}
