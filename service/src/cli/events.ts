// npm run billing -- events list [--status S] [--type T] [--limit N] | events show ID
//                   | events replay ID | events replay --dead [--type T]
import { parseArgs } from 'node:util';
import { INBOX_STATUSES, isInboxStatus } from '../webhooks/inbox/inbox-statuses.js';
import type { CliContext } from './cli-context.js';

const usage =
  `usage: events list [--status ${INBOX_STATUSES.join('|')}] [--type TYPE] [--limit N]\n` +
  '       events show EVENT_ID\n' +
  '       events replay EVENT_ID | events replay --dead [--type TYPE]';

export async function run(args: string[], context: CliContext): Promise<number> {
  const events = context.dependencies.inbox;
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      status: { type: 'string' },
      type: { type: 'string' },
      limit: { type: 'string', default: '50' },
      dead: { type: 'boolean', default: false },
    },
  });
  if (action === 'list') {
    const limit = Number(values.limit);
    if ((values.status !== undefined && !isInboxStatus(values.status)) || !(limit >= 1 && limit <= 1000)) {
      context.print(usage);
      return 2;
    }
    const page = await events.list({
      limit,
      ...(values.status === undefined || !isInboxStatus(values.status) ? {} : { status: values.status }),
      ...(values.type === undefined ? {} : { type: values.type }),
    });
    for (const event of page.data) {
      const error = event.last_error === null ? '' : `  ${event.last_error.slice(0, 120)}`;
      context.print(
        `${event.id}  ${event.type}  ${event.status}  attempts ${event.attempts}  received ${event.received_at.toISOString()}${error}`,
      );
    }
    if (page.hasMore) context.print(`… more: narrow with --status/--type or raise --limit`);
    return 0;
  }
  if (action === 'show' && positionals[0] !== undefined) {
    const event = await events.get(positionals[0]);
    const { payload, error_history: history, ...summary } = event;
    context.print(JSON.stringify({ ...summary, error_history: history }, null, 2));
    context.print(payload);
    return 0;
  }
  if (action === 'replay' && values.dead) {
    const ids = await events.replayDead(values.type);
    context.print(`requeued ${ids.length} dead event(s)${ids.length > 0 ? `: ${ids.join(', ')}` : ''}`);
    return 0;
  }
  if (action === 'replay' && positionals[0] !== undefined) {
    await events.replayOne(positionals[0]);
    context.print(`requeued ${positionals[0]}: a worker applies it next`);
    return 0;
  }
  context.print(usage);
  return 2;
}
