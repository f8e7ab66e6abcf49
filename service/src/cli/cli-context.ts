// What every CLI command gets: configuration, logger, database pool, the Stripe gateway and a way to print.
import type { Config } from '../config/load-config.js';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../observability/logger.js';
import type { StripeGateway } from '../stripe/gateway.js';

export interface CliContext {
  config: Config;
  logger: Logger;
  pool: Pool;
  stripe: StripeGateway;
  /** Writes one line to stdout (the CLI's output, unlike logs). */
  print: (line: string) => void;
}

/** A command module: `export async function run(args, context): Promise<exitCode>`. */
export type CliCommand = (args: string[], context: CliContext) => Promise<number>;
