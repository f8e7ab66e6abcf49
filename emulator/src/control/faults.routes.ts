// The control routes that add, list and remove injected faults: API faults and webhook faults alike.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { jsonBody } from './json-body.js';

/** What both fault collections offer (`ApiFaults`, `WebhookFaults`); `add` validates the JSON it is given. */
interface FaultCollection {
  add(input: Record<string, unknown>): unknown;
  list(): unknown[];
  clear(): void;
  remove(id: string): boolean;
}

/** `/_emulator/faults` (API faults) and `/_emulator/webhooks/faults` (webhook faults): POST, GET, DELETE. */
export function registerFaultRoutes(app: FastifyInstance, context: EmulatorContext): void {
  registerFaultCollection(app, '/_emulator/faults', context.faults);
  registerFaultCollection(app, '/_emulator/webhooks/faults', context.webhooks.faults);
}

function registerFaultCollection(app: FastifyInstance, path: string, faults: FaultCollection): void {
  app.post(path, async (request) => faults.add(jsonBody(request)));
  app.get(path, async () => ({ data: faults.list() }));
  app.delete(path, async () => {
    faults.clear();
    return { cleared: true };
  });
  app.delete<{ Params: { id: string } }>(`${path}/:id`, async (request) => ({
    id: request.params.id,
    deleted: faults.remove(request.params.id),
  }));
}
