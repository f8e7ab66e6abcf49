// `npm run billing -- <command> [args]`: a small dispatcher over command modules (src/cli/<command>.ts), each
// exporting `run(args, context)` that resolves to the exit code. The services come from the composition root,
// as the server's do.
import { AppError } from '../errors.js';
import { loadConfigOrExit } from '../config/load-config.js';
import { closeDependencies, createDependencies } from '../deps.js';
import { createLogger } from '../observability/logger.js';
import type { CliCommand, CliContext } from './cli-context.js';

const commands: Record<string, () => Promise<{ run: CliCommand }>> = {
  'api-keys': () => import('./api-keys.js'),
  backup: () => import('./backup.js'),
  catalog: () => import('./catalog.js'),
  events: () => import('./events.js'),
  stripe: () => import('./stripe-webhook-setup.js'),
  sync: () => import('./sync.js'),
};

const config = loadConfigOrExit();
// Logs go to stderr: stdout is the command's output.
const logger = createLogger(
  { ...config.log, pretty: false, level: 'warn', secrets: config.secrets },
  process.stderr,
);
const [name, ...args] = process.argv.slice(2);
const load = name === undefined ? undefined : commands[name];
if (load === undefined) {
  process.stdout.write(`usage: npm run billing -- <${Object.keys(commands).join('|')}> [args]\n`);
  process.exit(2);
}
// Without DATABASE_URL in development: the embedded database that `npm start` runs (see the runbook).
const databaseUrl =
  config.database.url ??
  (config.nodeEnv === 'production'
    ? undefined
    : `postgres://postgres:embedded-postgres@127.0.0.1:${config.embeddedPostgres.port}/billing`);
if (databaseUrl === undefined) {
  process.stderr.write('DATABASE_URL is required by the CLI in production\n');
  process.exit(78);
}

const dependencies = await createDependencies({ config, logger, databaseUrl });
const context: CliContext = {
  dependencies,
  print: (line) => process.stdout.write(`${line}\n`),
};
let exitCode = 1;
try {
  exitCode = await (await load()).run(args, context);
} catch (error) {
  process.stderr.write(`${error instanceof AppError ? error.message : String(error)}\n`);
} finally {
  await closeDependencies(dependencies);
}
process.exit(exitCode);
