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
  // One controller of our own, aborted by our own timer or by the caller's signal. Not AbortSignal.any(): on
  // Node 20, fetch can lose a composite signal to the garbage collector, and the attempt then never settles
  // (a receiver that accepts the connection and never answers held every delivery slot for good).
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimedOut()), options.timeoutMs);
  const abandon = () => controller.abort(options.signal.reason);
  options.signal.addEventListener('abort', abandon, { once: true });
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
      signal: controller.signal,
    });
    // The body is read so the connection can be reused; its content does not matter.
    await response.arrayBuffer().catch(() => undefined);
    return { statusCode: response.status, error: null };
  } catch (caught) {
    return {
      statusCode: null,
      error: describeFetchError(controller.signal.reason ?? caught, options.timeoutMs),
    };
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', abandon);
  }
}

class TimedOut extends Error {
  override name = 'TimeoutError';
}

function describeFetchError(caught: unknown, timeoutMs: number): string {
  if (caught instanceof Error) {
    if (caught.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
    const cause = (caught as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? caught.message;
  }
  return String(caught);
}
