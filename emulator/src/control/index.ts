import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';

/** The emulator's own control API under `/_emulator/` (never under `/v1/`): faults, reset, clocks, test helpers. */
export function registerControlRoutes(_app: FastifyInstance, _context: EmulatorContext): void {}
