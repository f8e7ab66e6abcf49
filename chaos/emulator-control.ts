// The emulator's control API over HTTP (/_emulator/…): faults on its Stripe API and on webhook delivery,
// paying a checkout session as a buyer would, moving its clock, the delivery log and waiting until idle.
export interface DeliveryRecord {
  event_id: string;
  event_type: string;
  status_code: number | null;
  succeeded: boolean;
  kind: string;
  attempt: number;
  error: string | null;
}

export interface EmulatorControl {
  url: string;
  addFault: (fault: Record<string, unknown>) => Promise<string>;
  addWebhookFault: (fault: Record<string, unknown>) => Promise<string>;
  removeFault: (id: string) => Promise<void>;
  removeWebhookFault: (id: string) => Promise<void>;
  clearFaults: () => Promise<void>;
  /** Pays the session with the 4242 card; false when the emulator refuses (e.g. the session expired). */
  completeCheckout: (sessionId: string) => Promise<boolean>;
  advanceClock: (seconds: number) => Promise<void>;
  deliveries: () => Promise<DeliveryRecord[]>;
  /** Deliveries queued, in flight or waiting for a retry. */
  pendingDeliveries: () => Promise<number>;
  /** True when no delivery is queued, in flight or waiting for a retry. */
  waitForIdle: (timeoutMs: number) => Promise<boolean>;
}

export function emulatorControl(url: string): EmulatorControl {
  const send = async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator ${method} ${route}: ${response.status} ${text}`);
    return JSON.parse(text) as unknown;
  };
  return {
    url,
    addFault: async (fault) => ((await send('POST', '/_emulator/faults', fault)) as { id: string }).id,
    addWebhookFault: async (fault) =>
      ((await send('POST', '/_emulator/webhooks/faults', fault)) as { id: string }).id,
    removeFault: async (id) => void (await send('DELETE', `/_emulator/faults/${id}`)),
    removeWebhookFault: async (id) => void (await send('DELETE', `/_emulator/webhooks/faults/${id}`)),
    clearFaults: async () => {
      await send('DELETE', '/_emulator/faults');
      await send('DELETE', '/_emulator/webhooks/faults');
    },
    completeCheckout: async (sessionId) => {
      const response = await fetch(`${url}/_emulator/checkout/sessions/${sessionId}/complete`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ card: '4242424242424242' }),
        signal: AbortSignal.timeout(60_000),
      });
      await response.text();
      return response.ok;
    },
    advanceClock: async (seconds) => void (await send('POST', '/_emulator/clock/advance', { seconds })),
    deliveries: async () =>
      ((await send('GET', '/_emulator/webhooks/deliveries')) as { data: DeliveryRecord[] }).data,
    pendingDeliveries: async () =>
      ((await send('GET', '/_emulator/webhooks/deliveries?event_id=none')) as { pending: number }).pending,
    waitForIdle: async (timeoutMs) =>
      ((await send('GET', `/_emulator/webhooks/idle?timeout_ms=${timeoutMs}`)) as { idle: boolean }).idle,
  };
}
