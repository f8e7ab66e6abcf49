// The control routes for the emulator's state: reset, the state summary, and the Dashboard's price deletion.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { emulatorSummary } from '../core/summary.js';
import { deletePrice } from '../resources/catalog.js';

/** `/_emulator/reset`, `/_emulator/state`, `DELETE /_emulator/prices/:id`. JSON in, JSON out; no API key. */
export function registerStateRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.post('/_emulator/reset', async () => {
    context.state.reset();
    return { reset: true, counts: context.state.counts() };
  });

  app.get('/_emulator/state', async () => emulatorSummary(context));

  // The Dashboard can delete a price; the API cannot. Tests of `price.deleted` handling use this.
  app.delete<{ Params: { id: string } }>('/_emulator/prices/:id', async (request) => {
    const price = deletePrice(context, request.params.id);
    return { id: price.id, object: 'price', deleted: true };
  });
}
