// The /v1/test_helpers/test_clocks routes: create, retrieve, advance, delete, list.
import type { FastifyInstance } from 'fastify';
import { processDueWork } from '../billing/time-engine.js';
import { testClocks, type TestClock } from '../billing/time.js';
import { subscriptions } from '../billing/subscriptions.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { paginate } from '../core/list.js';
import { optionalInteger, optionalString } from '../core/params.js';
import { runOutsideRequest } from '../core/request-context.js';
import { requestParams } from '../core/request-params.js';

/** Stripe deletes a test clock 30 days after it was created. */
const CLOCK_LIFETIME_SECONDS = 30 * 86_400;

/**
 * Test clocks. An advance answers at once with `status: advancing`; the time engine then processes, in time order,
 * everything due on the clock's customers up to the new `frozen_time`, and the clock turns `ready` — as on Stripe,
 * callers poll until then.
 */
export function registerTestClockRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('clock', 'test_helpers.test_clock');
  const table = testClocks(context);

  app.post('/v1/test_helpers/test_clocks', async (request) => {
    const params = requestParams(request);
    const frozenTime = optionalInteger(params, 'frozen_time');
    if (frozenTime === undefined || frozenTime === null) {
      throw missingParam('frozen_time');
    }
    const now = context.clock.now();
    const clock: TestClock = {
      id: newId('clock'),
      object: 'test_helpers.test_clock',
      created: now,
      deletes_after: now + CLOCK_LIFETIME_SECONDS,
      frozen_time: frozenTime,
      livemode: false,
      name: optionalString(params, 'name') ?? null,
      status: 'ready',
      status_details: {},
    };
    table.insert(clock);
    context.events.emit('test_helpers.test_clock.created', clock);
    return clock;
  });

  app.get<{ Params: { id: string } }>('/v1/test_helpers/test_clocks/:id', async (request) =>
    table.get(request.params.id, 'test_clock'),
  );

  app.get('/v1/test_helpers/test_clocks', async (request) => {
    const params = requestParams(request);
    return paginate(table.list(), params, '/v1/test_helpers/test_clocks');
  });

  app.delete<{ Params: { id: string } }>('/v1/test_helpers/test_clocks/:id', async (request) => {
    const clock = table.get(request.params.id, 'test_clock');
    // Deleting a clock deletes its customers and everything billed on it.
    for (const subscription of subscriptions(context).list((row) => row.test_clock === clock.id)) {
      subscriptions(context).delete(subscription.id);
    }
    const customers = context.state.table('customer');
    for (const customer of customers.list((row) => row.test_clock === clock.id))
      customers.delete(customer.id);
    table.delete(clock.id);
    context.events.emit('test_helpers.test_clock.deleted', clock);
    return { id: clock.id, object: 'test_helpers.test_clock', deleted: true };
  });

  app.post<{ Params: { id: string } }>('/v1/test_helpers/test_clocks/:id/advance', async (request) => {
    const params = requestParams(request);
    const clock = table.get(request.params.id, 'test_clock');
    const target = optionalInteger(params, 'frozen_time');
    if (target === undefined || target === null) {
      throw missingParam('frozen_time');
    }
    if (clock.status === 'advancing') {
      throw invalidRequest(
        'The test clock is already advancing. Wait until it is ready before advancing it again.',
        undefined,
        'test_clock_advancing',
      );
    }
    if (target <= clock.frozen_time) {
      throw invalidRequest(
        'The test clock can only be advanced to a time later than its current frozen_time.',
        'frozen_time',
      );
    }
    clock.status = 'advancing';
    context.events.emit('test_helpers.test_clock.advancing', clock, { created: clock.frozen_time });
    const response = structuredClone(clock);
    setImmediate(() => runOutsideRequest(() => finishAdvance(clock, target)));
    return response;
  });

  function finishAdvance(clock: TestClock, target: number): void {
    try {
      processDueWork(context, clock.id, target);
      clock.frozen_time = target;
      clock.status = 'ready';
      context.events.emit('test_helpers.test_clock.ready', clock, { created: target });
    } catch (error) {
      context.logger.error({ err: error, clock: clock.id }, 'test clock advance failed');
      clock.frozen_time = target;
      clock.status = 'internal_failure';
      clock.status_details = { advancing: null };
      context.events.emit('test_helpers.test_clock.internal_failure', clock, { created: target });
    }
  }
}
