// Creating a webhook endpoint: the object, its signing secret, the URL check create and update share.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { webhookEndpoints, type WebhookEndpoint } from '../webhooks/endpoints.js';
import { newWebhookSecret } from '../webhooks/signature.js';

export interface WebhookEndpointInput {
  url: string;
  enabled_events?: string[];
  secret?: string;
  api_version?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
}

/**
 * Creates an endpoint and registers its signing secret with the dispatcher. Used by the API and by endpoints
 * configured at start (`--webhook URL --webhook-secret whsec_…`), which may bring their own secret.
 */
export function createWebhookEndpoint(
  context: EmulatorContext,
  input: WebhookEndpointInput,
  id = newId('we', 24),
): WebhookEndpoint & { secret: string } {
  const endpoint: WebhookEndpoint = {
    id,
    object: 'webhook_endpoint',
    api_version: input.api_version ?? null,
    application: null,
    created: context.clock.now(),
    description: input.description ?? null,
    enabled_events: input.enabled_events ?? ['*'],
    livemode: false,
    metadata: input.metadata ?? {},
    status: 'enabled',
    url: validUrl(input.url),
  };
  const secret = input.secret ?? newWebhookSecret();
  webhookEndpoints(context.state).insert(endpoint);
  context.webhooks.setSecret(endpoint.id, secret);
  return { ...endpoint, secret };
}

export function validUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return url;
  } catch {
    // fall through to Stripe's error
  }
  throw invalidRequest(`Invalid URL: ${url}`, 'url', 'url_invalid');
}
