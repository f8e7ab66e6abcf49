// The /v1/billing/meters routes (create, retrieve, update, list, deactivate, reactivate, event summaries).
import type { FastifyInstance } from 'fastify';
import { activeMeterFor, aggregateUsage, meters, type Meter } from '../billing/meters.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import { previousAttributes } from '../core/events.js';
import { newId } from '../core/ids.js';
import { paginate } from '../core/list.js';
import * as read from '../core/params.js';
import type { Params } from '../core/params.js';
import { requestParams } from '../core/request-params.js';
import { registerMeterEventRoutes } from './meter-events.routes.js';

const WINDOW_SECONDS = { hour: 3600, day: 86_400 } as const;

export function registerMeterRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('mtr_test', 'billing.meter');
  const table = meters(context);
  registerMeterEventRoutes(app, context);

  app.post('/v1/billing/meters', async (request) => {
    const meter = newMeter(requestParams(request), context.clock.now());
    assertEventNameFree(meter.event_name);
    table.insert(meter);
    context.events.emit('billing.meter.created', meter);
    return meter;
  });

  app.get<{ Params: { id: string } }>('/v1/billing/meters/:id', async (request) =>
    table.get(request.params.id, 'id'),
  );

  app.post<{ Params: { id: string } }>('/v1/billing/meters/:id', async (request) => {
    const params = requestParams(request);
    const meter = table.get(request.params.id, 'id');
    const before = structuredClone(meter);
    const displayName = read.optionalString(params, 'display_name');
    if (displayName) meter.display_name = displayName;
    const changed = previousAttributes(before, meter);
    if (Object.keys(changed).length > 0) {
      meter.updated = context.clock.now();
      context.events.emit('billing.meter.updated', meter, { previousAttributes: changed });
    }
    return meter;
  });

  app.post<{ Params: { id: string } }>('/v1/billing/meters/:id/deactivate', async (request) => {
    const meter = table.get(request.params.id, 'id');
    if (meter.status === 'inactive') throw invalidRequest(`The meter ${meter.id} is already inactive.`);
    meter.status = 'inactive';
    meter.updated = context.clock.now();
    meter.status_transitions.deactivated_at = meter.updated;
    context.events.emit('billing.meter.deactivated', meter);
    return meter;
  });

  app.post<{ Params: { id: string } }>('/v1/billing/meters/:id/reactivate', async (request) => {
    const meter = table.get(request.params.id, 'id');
    if (meter.status === 'active') throw invalidRequest(`The meter ${meter.id} is already active.`);
    assertEventNameFree(meter.event_name);
    meter.status = 'active';
    meter.updated = context.clock.now();
    meter.status_transitions.deactivated_at = null;
    context.events.emit('billing.meter.reactivated', meter);
    return meter;
  });

  app.get('/v1/billing/meters', async (request) => {
    const params = requestParams(request);
    const status = read.optionalEnum(params, 'status', ['active', 'inactive'] as const);
    return paginate(
      table.list((row) => status === undefined || row.status === status),
      params,
      '/v1/billing/meters',
    );
  });

  app.get<{ Params: { id: string } }>('/v1/billing/meters/:id/event_summaries', async (request) => {
    const params = requestParams(request);
    const meter = table.get(request.params.id, 'id');
    const customer = read.requiredString(params, 'customer');
    const start = requiredTimestamp(params, 'start_time');
    const end = requiredTimestamp(params, 'end_time');
    if (end <= start) throw invalidRequest('end_time must be after start_time.', 'end_time');
    const grouping = read.optionalEnum(params, 'value_grouping_window', ['hour', 'day'] as const);
    const step = grouping ? WINDOW_SECONDS[grouping] : end - start;
    if (grouping && (start % step !== 0 || end % step !== 0)) {
      throw invalidRequest(
        `start_time and end_time must be aligned with ${grouping} boundaries for value_grouping_window=${grouping}.`,
        'start_time',
      );
    }
    const summaries = [];
    // Newest window first, as Stripe lists them.
    for (let windowEnd = end; windowEnd > start; windowEnd -= step) {
      const windowStart = Math.max(start, windowEnd - step);
      summaries.push({
        id: `mtrusg_test_${Buffer.from(`${meter.id}|${customer}|${windowStart}|${windowEnd}`).toString('hex')}`,
        object: 'billing.meter_event_summary',
        aggregated_value: aggregateUsage(context, meter, customer, windowStart, windowEnd),
        end_time: windowEnd,
        livemode: false,
        meter: meter.id,
        start_time: windowStart,
      });
    }
    return paginate(summaries, params, `/v1/billing/meters/${meter.id}/event_summaries`);
  });

  function assertEventNameFree(eventName: string): void {
    if (activeMeterFor(context, eventName)) {
      throw invalidRequest(
        `An active meter with event_name \`${eventName}\` already exists. Meter event names must be unique.`,
        'event_name',
      );
    }
  }
}

/** A timestamp on a minute boundary (the summary endpoint's rule). */
function requiredTimestamp(params: Params, name: string): number {
  const value = read.optionalInteger(params, name);
  if (value === undefined || value === null) throw missingParam(name);
  if (value % 60 !== 0) throw invalidRequest(`${name} must be aligned with minute boundaries.`, name);
  return value;
}

function newMeter(params: Params, now: number): Meter {
  const aggregation = read.optionalHash(params, 'default_aggregation');
  if (!aggregation) throw missingParam('default_aggregation');
  const formula = read.optionalEnum(aggregation, 'formula', ['sum', 'count', 'last'] as const);
  if (!formula) throw missingParam('default_aggregation[formula]');
  const mapping = read.optionalHash(params, 'customer_mapping');
  const values = read.optionalHash(params, 'value_settings');
  if (mapping) {
    read.optionalEnum(mapping, 'type', ['by_id'] as const);
    if (!read.optionalString(mapping, 'event_payload_key'))
      throw missingParam('customer_mapping[event_payload_key]');
  }
  if (values && !read.optionalString(values, 'event_payload_key'))
    throw missingParam('value_settings[event_payload_key]');
  return {
    id: newId('mtr_test', 32),
    object: 'billing.meter',
    created: now,
    customer_mapping: {
      event_payload_key:
        (mapping && read.optionalString(mapping, 'event_payload_key')) || 'stripe_customer_id',
      type: 'by_id',
    },
    default_aggregation: { formula },
    display_name: read.requiredString(params, 'display_name'),
    event_name: read.requiredString(params, 'event_name'),
    event_time_window: read.optionalEnum(params, 'event_time_window', ['day', 'hour'] as const) ?? null,
    livemode: false,
    status: 'active',
    status_transitions: { deactivated_at: null },
    updated: now,
    value_settings: {
      event_payload_key: (values && read.optionalString(values, 'event_payload_key')) || 'value',
    },
  };
}
