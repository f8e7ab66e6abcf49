// The webhook endpoint object, its table, and which events an endpoint wants.
import type { EmulatorState, StripeObject } from '../core/store.js';

/** A `webhook_endpoint` as the API returns it; its signing secret lives in the dispatcher, not on the object. */
export interface WebhookEndpoint extends StripeObject {
  object: 'webhook_endpoint';
  api_version: string | null;
  application: null;
  created: number;
  description: string | null;
  enabled_events: string[];
  livemode: false;
  metadata: Record<string, string>;
  status: 'enabled' | 'disabled';
  url: string;
}

export function webhookEndpoints(state: EmulatorState) {
  return state.table<WebhookEndpoint>('webhook_endpoint');
}

/** Whether an endpoint subscribed to this event type (`*` or the exact type, as Stripe's `enabled_events`). */
export function endpointWants(endpoint: WebhookEndpoint, eventType: string): boolean {
  return (
    endpoint.status === 'enabled' &&
    (endpoint.enabled_events.includes('*') || endpoint.enabled_events.includes(eventType))
  );
}
