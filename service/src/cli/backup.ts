// npm run billing -- backup create --out FILE | backup restore FILE --database-url URL | backup verify URL_A URL_B
// Exit codes: 0 done (verify: equal), 1 failed or refused (verify: different), 2 usage.
import { parseArgs } from 'node:util';
import type { CliContext } from './cli-context.js';

const usage =
  'usage: backup create --out FILE | backup restore FILE --database-url URL | backup verify URL_A URL_B';

export async function run(args: string[], context: CliContext): Promise<number> {
  const { backup } = context.dependencies;
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: false,
    options: { out: { type: 'string' }, 'database-url': { type: 'string' } },
  });
  const out = typeof values.out === 'string' ? values.out : undefined;
  const databaseUrl = typeof values['database-url'] === 'string' ? values['database-url'] : undefined;

  if (action === 'create' && out !== undefined && positionals.length === 0) {
    const summary = await backup.createBackup(out);
    const rows = Object.values(summary.rowCounts).reduce((sum, count) => sum + count, 0);
    context.print(
      `backup written to ${summary.file}: ${Object.keys(summary.rowCounts).length} tables, ${rows} rows, ` +
        `schema version ${summary.migrations.at(-1) ?? 'none'}, ${summary.bytes} bytes`,
    );
    return 0;
  }
  if (action === 'restore' && positionals.length === 1 && databaseUrl !== undefined) {
    const summary = await backup.restoreBackup(positionals[0]!, databaseUrl);
    const rows = Object.values(summary.rowCounts).reduce((sum, count) => sum + count, 0);
    context.print(
      `restored ${positionals[0]}: schema version ${summary.migrations.at(-1) ?? 'none'}, ` +
        `${Object.keys(summary.rowCounts).length} tables, ${rows} rows`,
    );
    return 0;
  }
  if (action === 'verify' && positionals.length === 2) {
    const comparison = await backup.compareDatabases(positionals[0]!, positionals[1]!);
    for (const table of comparison.tables) context.print(`${table.table} ${table.rows} ${table.sha256}`);
    if (comparison.differences.length > 0) {
      context.print('the databases differ:');
      for (const difference of comparison.differences) context.print(`  ${difference}`);
      return 1;
    }
    context.print(`the databases are equal: ${comparison.tables.length} tables`);
    return 0;
  }
  context.print(usage);
  return 2;
}
