// What every CLI command gets: the services, built by the composition root as the server builds them, and a way
// to print.
import type { Dependencies } from '../deps.js';

export interface CliContext {
  dependencies: Dependencies;
  /** Writes one line to stdout (the CLI's output, unlike logs). */
  print: (line: string) => void;
}

/** A command module: `export async function run(args, context): Promise<exitCode>`. */
export type CliCommand = (args: string[], context: CliContext) => Promise<number>;
