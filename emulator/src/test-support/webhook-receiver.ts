// A recording HTTP webhook receiver for tests.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed event (`id`, `type`, …). */
  event: { id: string; type: string; [key: string]: unknown };
  receivedAt: number;
}

/**
 * A real HTTP server that records the webhooks it receives. `respondWith` decides each status (default 200),
 * so a test can make the receiver fail the first attempts; `hangFor` delays the answer.
 */
export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  respondWith: (webhook: ReceivedWebhook, index: number) => number;
  hangForMs: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: Omit<WebhookReceiver, 'url' | 'close'> = {
    received: [],
    respondWith: () => 200,
    hangForMs: 0,
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const webhook: ReceivedWebhook = {
        headers: request.headers,
        body,
        event: JSON.parse(body) as ReceivedWebhook['event'],
        receivedAt: Date.now(),
      };
      receiver.received.push(webhook);
      const status = receiver.respondWith(webhook, receiver.received.length - 1);
      setTimeout(() => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end('{}');
      }, receiver.hangForMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
