// npm run billing -- api-keys create --name NAME --scopes billing,admin | list | revoke ID
import { parseArgs } from 'node:util';
import type { CliContext } from './cli-context.js';

const usage =
  'usage: api-keys create --name NAME [--scopes billing,admin] | api-keys list | api-keys revoke ID';

export async function run(args: string[], context: CliContext): Promise<number> {
  const { apiKeys } = context.dependencies;
  const [action, ...rest] = args;
  if (action === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: { name: { type: 'string' }, scopes: { type: 'string', default: 'billing' } },
    });
    if (values.name === undefined || values.name.trim() === '') {
      context.print(usage);
      return 2;
    }
    const { key, record } = await apiKeys.create({ name: values.name, scopes: values.scopes.split(',') });
    context.print(`created API key ${record.id} (${record.name}, scopes ${record.scopes.join(',')})`);
    context.print(`key (shown once, store it now): ${key}`);
    return 0;
  }
  if (action === 'list') {
    for (const record of await apiKeys.list()) {
      const state = record.revoked_at === null ? 'active' : `revoked ${record.revoked_at.toISOString()}`;
      const used = record.last_used_at?.toISOString() ?? 'never';
      context.print(
        `${record.id}  ${record.key_prefix}…  ${record.name}  [${record.scopes.join(',')}]  ${state}  last used ${used}`,
      );
    }
    return 0;
  }
  if (action === 'revoke' && rest[0] !== undefined) {
    const record = await apiKeys.revoke(rest[0]);
    context.print(`revoked API key ${record.id} (${record.name})`);
    return 0;
  }
  context.print(usage);
  return 2;
}
