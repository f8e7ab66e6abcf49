// npm run billing -- sync [--resume]: backfills customers, products, prices, subscriptions and invoices from
// Stripe, prints the counts, and exits 0 only when everything was copied (3: rate-limited, 1: failed; both
// resumable with --resume).
import { parseArgs } from 'node:util';
import { createCatalogService } from '../catalog/catalog.service.js';
import { createCustomersService } from '../customers/customers.service.js';
import { createEntitlementCache } from '../entitlements/entitlement-cache.js';
import { createEntitlementsService } from '../entitlements/entitlements.service.js';
import { createInvoicesService } from '../invoices/invoices.service.js';
import { createOutboxService } from '../outbox/outbox.service.js';
import { createSubscriptionsService } from '../subscriptions/subscriptions.service.js';
import { backfillFromStripe } from '../webhooks/sync/stripe-backfill.js';
import type { CliContext } from './cli-context.js';

export const EXIT_RATE_LIMITED = 3;

export async function run(args: string[], context: CliContext): Promise<number> {
  const { values } = parseArgs({ args, options: { resume: { type: 'boolean', default: false } } });
  const { pool, stripe, logger, config } = context;
  const customers = createCustomersService({ pool, stripe });
  const result = await backfillFromStripe(
    {
      pool,
      stripe,
      customers,
      catalog: createCatalogService({ pool, stripe, logger }),
      subscriptions: createSubscriptionsService({
        pool,
        stripe,
        customers,
        outbox: createOutboxService({ pool }),
      }),
      invoices: createInvoicesService({ pool, stripe, customers, outbox: createOutboxService({ pool }) }),
      entitlements: createEntitlementsService({
        pool,
        cache: createEntitlementCache({ databaseUrl: undefined, maxEntries: 0, logger }),
        pastDueGraceHours: config.entitlements.pastDueGraceHours,
        outbox: createOutboxService({ pool }),
      }),
    },
    { resume: values.resume },
  );
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
