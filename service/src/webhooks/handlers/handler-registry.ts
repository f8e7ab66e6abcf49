// The explicit list of event types the service applies, each with its handler module. Every other type is
// stored and marked ignored.
import type { HandlerRegistry } from './event-handler.js';

export function createHandlerRegistry(): HandlerRegistry {
  return new Map();
}
