// Orderly stop on SIGTERM/SIGINT (and on a crash): run the registered steps, last started first stopped,
// then exit 0 — or 1 after a crash or a failed step. close-with-grace handles the signals and a hard deadline.
import closeWithGrace from 'close-with-grace';
import type { Logger } from '../observability/logger.js';

// Past the drain deadline, closing the pool and the embedded database gets this long before a forced exit.
const CLOSE_RESOURCES_MARGIN_MS = 10_000;
// Ctrl-C signals the whole process group, so under `npm start` the same SIGINT arrives twice: once from the
// terminal and once forwarded by npm. A repeat this soon is the same request; a later one forces the exit.
const DUPLICATE_SIGNAL_WINDOW_MS = 1000;
const shutdownSignals = ['SIGINT', 'SIGTERM'] as const;

export interface GracefulShutdown {
  /** Registers a step for shutdown. Steps run in reverse order of registration. */
  onShutdown: (name: string, close: () => Promise<void>) => void;
  /** Start-up failed: logs why, runs the steps registered so far, exits with code 1. */
  failStartup: (error: unknown) => Promise<never>;
}

export function installGracefulShutdown(options: {
  logger: Logger;
  drainTimeoutMs: number;
}): GracefulShutdown {
  const { logger } = options;
  const steps: Array<{ name: string; close: () => Promise<void> }> = [];

  async function runSteps(): Promise<boolean> {
    let allClosed = true;
    for (const step of steps.toReversed()) {
      try {
        await step.close();
        logger.debug({ step: step.name }, 'shutdown step done');
      } catch (error) {
        allClosed = false;
        logger.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
    return allClosed;
  }

  // close-with-grace handles crashes and the hard deadline; the signals are ours (see the window above).
  const grace = closeWithGrace(
    { delay: options.drainTimeoutMs + CLOSE_RESOURCES_MARGIN_MS, logger, skip: [...shutdownSignals] },
    async ({ err }) => {
      if (err !== undefined) logger.fatal({ err }, 'unexpected error, shutting down');
      const allClosed = await runSteps();
      if (!allClosed) throw new Error('some resources did not close cleanly');
      logger.info('shutdown complete');
    },
  );

  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt === undefined) {
      firstSignalAt = Date.now();
      logger.info({ signal }, 'shutting down');
      void grace.close();
    } else if (Date.now() - firstSignalAt > DUPLICATE_SIGNAL_WINDOW_MS) {
      logger.error({ signal }, 'second signal while shutting down, exiting now');
      process.exit(1);
    }
  };
  for (const signal of shutdownSignals) process.on(signal, onSignal);

  return {
    onShutdown(name, close) {
      steps.push({ name, close });
    },
    async failStartup(error) {
      grace.uninstall();
      for (const signal of shutdownSignals) process.removeListener(signal, onSignal);
      logger.fatal({ err: error }, error instanceof Error ? error.message : 'start-up failed');
      await runSteps();
      process.exit(1);
    },
  };
}
