import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';

/** Hosted pages (checkout, billing portal): server-rendered HTML outside `/v1/`, no API key. */
export function registerPageRoutes(_app: FastifyInstance, _context: EmulatorContext): void {}
