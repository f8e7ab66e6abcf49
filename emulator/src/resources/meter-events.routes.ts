// POST /v1/billing/meter_events (usage, deduplicated by identifier) and /v1/billing/meter_event_adjustments.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { activeMeterFor, cancelMeterEvent, recordMeterEvent } from '../billing/meters.js';
import { nowForCustomer } from '../billing/time.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import * as read from '../core/params.js';
import { requestParams } from '../core/request-params.js';

/** Stripe takes events up to 35 calendar days old and up to 5 minutes ahead. */
const OLDEST_SECONDS = 35 * 86_400;
const AHEAD_SECONDS = 5 * 60;

export function registerMeterEventRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.post('/v1/billing/meter_events', async (request) => {
    const params = requestParams(request);
    const eventName = read.requiredString(params, 'event_name');
    const payload = read.optionalHash(params, 'payload');
    if (!payload) throw missingParam('payload');
    for (const [key, value] of Object.entries(payload)) {
      if (typeof value !== 'string')
        throw invalidRequest(`Invalid string: payload[${key}]`, `payload[${key}]`);
    }
    const strings = payload as Record<string, string>;
    // "Now" is the customer's: on a test clock, usage is reported at the clock's frozen time.
    const customerKey = activeMeterFor(context, eventName)?.customer_mapping.event_payload_key;
    const now = nowForCustomer(context, strings[customerKey ?? 'stripe_customer_id']);
    const timestamp = read.optionalInteger(params, 'timestamp') ?? now;
    if (timestamp < now - OLDEST_SECONDS || timestamp > now + AHEAD_SECONDS) {
      throw invalidRequest(
        'The timestamp must be within the past 35 calendar days and no more than 5 minutes in the future.',
        'timestamp',
      );
    }
    const identifier = read.optionalString(params, 'identifier') ?? randomUUID();
    if (identifier.length > 100)
      throw invalidRequest('identifier must be at most 100 characters.', 'identifier');
    return recordMeterEvent(
      context,
      {
        object: 'billing.meter_event',
        created: context.clock.now(),
        event_name: eventName,
        identifier,
        livemode: false,
        payload: { ...strings },
        timestamp,
      },
      context.clock.now(),
    );
  });

  app.post('/v1/billing/meter_event_adjustments', async (request) => {
    const params = requestParams(request);
    const eventName = read.requiredString(params, 'event_name');
    const type = read.optionalEnum(params, 'type', ['cancel'] as const);
    if (!type) throw missingParam('type');
    const identifier = read.optionalString(read.optionalHash(params, 'cancel') ?? {}, 'identifier');
    if (!identifier) throw missingParam('cancel[identifier]');
    // Stripe processes adjustments asynchronously; an unknown identifier is not an error of the request.
    cancelMeterEvent(context, eventName, identifier);
    return {
      object: 'billing.meter_event_adjustment',
      cancel: { identifier },
      event_name: eventName,
      livemode: false,
      status: 'pending',
      type,
    };
  });
}
