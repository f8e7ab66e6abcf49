// One signed webhook POST and what came of it.
import type { StripeEvent } from '../core/events.js';
import { signatureHeader } from './signature.js';

/** What one HTTP attempt got: the receiver's status, or why no response came. */
export interface AttemptResult {
  statusCode: number | null;
  error: string | null;
}

/**
 * POSTs an event to an endpoint the way Stripe does: pretty-printed JSON, Stripe's headers, signed with `signedAt`,
 * no redirects followed. Never throws: a timeout, refusal or reset becomes `error`.
 */
export async function sendWebhook(
  url: string,
  event: StripeEvent,
  secret: string,
  signedAt: number,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<AttemptResult> {
  try {
    const body = JSON.stringify(event, null, 2);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        accept: '*/*; q=0.5, application/xml',
        'cache-control': 'no-cache',
        'stripe-signature': signatureHeader(body, secret, signedAt),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
    });
    // The body is read so the connection can be reused; its content does not matter.
    await response.arrayBuffer().catch(() => undefined);
    return { statusCode: response.status, error: null };
  } catch (caught) {
    return { statusCode: null, error: describeFetchError(caught, options.timeoutMs) };
  }
}

function describeFetchError(caught: unknown, timeoutMs: number): string {
  if (caught instanceof Error) {
    if (caught.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
    const cause = (caught as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? caught.message;
  }
  return String(caught);
}
