// Outgoing webhooks to the calling application: how often the delivery worker looks for due deliveries, how many
// it sends at once, how long it waits for an answer, the retry backoff and how long a delivery is retried.
import { integer, milliseconds, variable, type ParsedVariables } from './variable-spec.js';

export const outgoingWebhookVariables = {
  OUTGOING_WEBHOOK_POLL_INTERVAL_MS: variable({
    schema: milliseconds(10),
    default: '1000',
    description: 'The delivery worker numbers new outbox events and looks for due deliveries this often.',
  }),
  OUTGOING_WEBHOOK_CONCURRENCY: variable({
    schema: integer(1, 256),
    default: '8',
    description:
      'Deliveries in flight at once (each customer still gets its events one at a time, in order).',
  }),
  OUTGOING_WEBHOOK_TIMEOUT_MS: variable({
    schema: milliseconds(100),
    default: '10000',
    description: 'A receiving endpoint that has not answered a delivery within this long has failed it.',
  }),
  OUTGOING_WEBHOOK_RETRY_BASE_SECONDS: variable({
    schema: integer(1, 86_400),
    default: '10',
    description:
      'First retry delay of a failed delivery; doubles with each attempt up to `OUTGOING_WEBHOOK_RETRY_MAX_SECONDS`.',
  }),
  OUTGOING_WEBHOOK_RETRY_MAX_SECONDS: variable({
    schema: integer(1, 86_400),
    default: '3600',
    description: 'Longest delay between two attempts of a failed delivery.',
  }),
  OUTGOING_WEBHOOK_MAX_AGE_HOURS: variable({
    schema: integer(1, 24 * 30),
    default: '72',
    description:
      'A delivery that has failed for this long is given up: it is marked failed and its endpoint disabled (nothing more is lost: later events wait for the endpoint to be enabled again).',
  }),
} as const;

export interface OutgoingWebhookSettings {
  pollIntervalMs: number;
  /** Deliveries in flight at once. */
  concurrency: number;
  timeoutMs: number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  giveUpSeconds: number;
}

export interface OutgoingWebhooksConfig {
  outgoingWebhooks: OutgoingWebhookSettings;
}

export function toOutgoingWebhooksConfig(
  values: ParsedVariables<typeof outgoingWebhookVariables>,
): OutgoingWebhooksConfig {
  return {
    outgoingWebhooks: {
      pollIntervalMs: values.OUTGOING_WEBHOOK_POLL_INTERVAL_MS,
      concurrency: values.OUTGOING_WEBHOOK_CONCURRENCY,
      timeoutMs: values.OUTGOING_WEBHOOK_TIMEOUT_MS,
      retryBaseSeconds: values.OUTGOING_WEBHOOK_RETRY_BASE_SECONDS,
      retryMaxSeconds: values.OUTGOING_WEBHOOK_RETRY_MAX_SECONDS,
      giveUpSeconds: values.OUTGOING_WEBHOOK_MAX_AGE_HOURS * 3600,
    },
  };
}
