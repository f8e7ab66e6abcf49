// Delivers a webhook to the app over real HTTP, as Stripe does: the endpoint is answered by node:http ahead of
// the Fastify app (webhooks/webhook-endpoint.ts), which app.inject() never reaches. An app not listening yet
// is made to listen on a free loopback port.
import type { AppInstance } from '../app.js';

export interface WebhookResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  json: <T = unknown>() => T;
}

const baseUrls = new WeakMap<AppInstance, Promise<string>>();

export function baseUrlOf(app: AppInstance): Promise<string> {
  let url = baseUrls.get(app);
  if (url === undefined) {
    const address = app.server.address();
    url =
      address !== null && typeof address === 'object'
        ? Promise.resolve(`http://127.0.0.1:${address.port}`)
        : app.listen({ port: 0, host: '127.0.0.1' });
    baseUrls.set(app, url);
  }
  return url;
}

export async function postWebhook(
  app: AppInstance,
  payload: string | Buffer,
  signature: string | undefined,
  headers: Record<string, string> = {},
  path = '/webhooks/stripe',
): Promise<WebhookResponse> {
  const response = await fetch(`${await baseUrlOf(app)}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...(signature === undefined ? {} : { 'stripe-signature': signature }),
      ...headers,
    },
    body: payload,
  });
  const body = await response.text();
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers),
    body,
    json: <T>() => JSON.parse(body) as T,
  };
}
