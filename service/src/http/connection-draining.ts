// While the server drains, every response asks the client to close its connection. Node's server.close()
// only closes connections idle at that moment; a keep-alive connection whose request was still in flight
// would otherwise stay open after its response and hold the shutdown until the deadline.
import type { Readiness } from '../health/readiness.js';
import type { AppInstance } from './app-instance.js';

export function registerConnectionDraining(app: AppInstance, readiness: Readiness): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (readiness.isShuttingDown()) void reply.header('connection', 'close');
    done(null, payload);
  });
}
