// npm run billing -- catalog tombstones | catalog restore-tombstone ID [ID…]: the products and prices the mirror
// marks deleted, and an operator's undo of such a mark (Stripe's current object is written again). Exit 1 when an
// id cannot be restored (not in the mirror, not deleted, or deleted at Stripe too).
import { AppError } from '../errors.js';
import type { CliContext } from './cli-context.js';

const usage = 'usage: catalog tombstones | catalog restore-tombstone ID [ID…] (product or price ids)';

export async function run(args: string[], context: CliContext): Promise<number> {
  const { catalog } = context.dependencies;
  const [action, ...ids] = args;
  if (action === 'tombstones' && ids.length === 0) {
    const tombstones = await catalog.listTombstones();
    for (const tombstone of tombstones) {
      context.print(`${tombstone.kind}  ${tombstone.id}  deleted ${tombstone.deleted_at.toISOString()}`);
    }
    context.print(`${tombstones.length} marked deleted`);
    return 0;
  }
  if (action === 'restore-tombstone' && ids.length > 0) {
    let failed = 0;
    for (const id of ids) {
      try {
        const restored = await catalog.restoreTombstone(id);
        context.print(
          `restored ${restored.kind} ${id} (${restored.active ? 'active' : 'archived'} at Stripe)`,
        );
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        context.print(`not restored: ${error.message}`);
        failed += 1;
      }
    }
    return failed === 0 ? 0 : 1;
  }
  context.print(usage);
  return 2;
}
