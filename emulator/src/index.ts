import pino from 'pino';
import { createClock, type Clock } from './core/clock.js';
import type { EmulatorContext } from './core/context.js';
import { EventLog } from './core/events.js';
import { EmulatorState } from './core/store.js';
import { buildEmulatorServer } from './server.js';

/** The API version the emulator renders objects and events in: the one the pinned `stripe` SDK sends. */
export const EMULATOR_API_VERSION = '2026-10-28.endive';

export interface StartEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Webhook endpoints to register at start, each signed with its own secret. */
  webhooks?: Array<{ url: string; secret: string }>;
  /** A catalog of products and prices to create at start (the same JSON as `--seed FILE`). */
  seed?: unknown;
  /** The global clock (tests may pass one they control). */
  clock?: Clock;
  logLevel?: string;
}

export interface RunningEmulator {
  url: string;
  port: number;
  context: EmulatorContext;
  close(): Promise<void>;
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const logger = pino({ level: options.logLevel ?? 'warn', name: 'stripe-emulator' });
  const state = new EmulatorState();
  const clock = options.clock ?? createClock();
  const context: EmulatorContext = {
    state,
    clock,
    events: new EventLog(state, clock, EMULATOR_API_VERSION),
    apiVersion: EMULATOR_API_VERSION,
    baseUrl: '',
    logger,
  };
  const app = buildEmulatorServer(context);
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  context.baseUrl = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return { url: context.baseUrl, port, context, close: () => app.close() };
}
