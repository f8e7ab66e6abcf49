// The emulator's state at a glance: object counts, the clock, the API version, webhook queue and fault figures.
import type { EmulatorContext } from './context.js';

/** What `GET /_emulator/state` answers: object counts per Stripe object name plus webhook queue figures. */
export function emulatorSummary(context: EmulatorContext) {
  return {
    counts: context.state.counts(),
    clock: context.clock.now(),
    api_version: context.apiVersion,
    webhooks: { pending: context.webhooks.pending, paused: context.webhooks.isPaused },
    faults: { api: context.faults.list().length, webhooks: context.webhooks.faults.list().length },
  };
}
