// npm run billing -- api-keys create --name NAME [--scopes …] [--expires-in 90d] | list | revoke ID
//                                  | rotate ID [--overlap 24h]
import { parseArgs } from 'node:util';
import type { ApiKeyRecord } from '../auth/api-keys.service.js';
import { API_KEY_SCOPES } from '../auth/scopes.js';
import type { CliContext } from './cli-context.js';
import { parseDuration } from './durations.js';

const usage = [
  'usage: api-keys create --name NAME [--scopes billing] [--expires-in 90d]',
  '       api-keys list',
  '       api-keys revoke ID',
  '       api-keys rotate ID [--overlap 24h]   (new key printed once; the old one expires after the overlap)',
  `scopes: ${API_KEY_SCOPES.join(', ')} (billing holds every non-admin scope)`,
  'durations: a number and s, m, h or d',
].join('\n');

const DEFAULT_OVERLAP = '24h';

function describeState(record: ApiKeyRecord, now: number): string {
  if (record.revoked_at !== null) return `revoked ${record.revoked_at.toISOString()}`;
  if (record.expires_at === null) return 'active';
  const expiry = record.expires_at.toISOString();
  return record.expires_at.getTime() <= now ? `expired ${expiry}` : `active, expires ${expiry}`;
}

export async function run(args: string[], context: CliContext): Promise<number> {
  const { apiKeys } = context.dependencies;
  const [action, ...rest] = args;
  if (action === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: {
        name: { type: 'string' },
        scopes: { type: 'string', default: 'billing' },
        'expires-in': { type: 'string' },
      },
    });
    const expiresInMs = values['expires-in'] === undefined ? null : parseDuration(values['expires-in']);
    if (values.name === undefined || values.name.trim() === '' || expiresInMs === undefined) {
      context.print(usage);
      return 2;
    }
    const { key, record } = await apiKeys.create({
      name: values.name,
      scopes: values.scopes.split(',').map((scope) => scope.trim()),
      expiresAt: expiresInMs === null ? null : new Date(Date.now() + expiresInMs),
    });
    const expiry = record.expires_at === null ? '' : `, expires ${record.expires_at.toISOString()}`;
    context.print(
      `created API key ${record.id} (${record.name}, scopes ${record.scopes.join(',')}${expiry})`,
    );
    context.print(`key (shown once, store it now): ${key}`);
    return 0;
  }
  if (action === 'list') {
    const now = Date.now();
    for (const record of await apiKeys.list()) {
      const used = record.last_used_at?.toISOString() ?? 'never';
      const mode = record.mode ?? 'legacy';
      context.print(
        `${record.id}  ${record.key_prefix}…  ${record.name}  [${record.scopes.join(',')}]  ${mode}  ${describeState(record, now)}  last used ${used}`,
      );
    }
    return 0;
  }
  if (action === 'revoke' && rest[0] !== undefined) {
    const record = await apiKeys.revoke(rest[0]);
    context.print(`revoked API key ${record.id} (${record.name})`);
    return 0;
  }
  if (action === 'rotate' && rest[0] !== undefined) {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { overlap: { type: 'string', default: DEFAULT_OVERLAP } },
    });
    const overlapMs = parseDuration(values.overlap);
    if (overlapMs === undefined || positionals.length !== 1 || positionals[0] === undefined) {
      context.print(usage);
      return 2;
    }
    const { key, record, previous } = await apiKeys.rotate(positionals[0], overlapMs);
    context.print(`created API key ${record.id} (${record.name}, scopes ${record.scopes.join(',')})`);
    context.print(`key (shown once, store it now): ${key}`);
    context.print(`old key ${previous.id} expires ${previous.expires_at?.toISOString() ?? 'never'}`);
    return 0;
  }
  context.print(usage);
  return 2;
}
