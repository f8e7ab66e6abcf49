// API version 2025-03-31.basil undone: subscription periods back on the subscription, invoice.subscription back.
import type { VersionStep } from './version-step.js';

/**
 * Basil moved `current_period_start/end` from the subscription to each item, and an invoice's `subscription` (and
 * `subscription_details`) under `parent.subscription_details`. Versions before it carry them at the top level.
 */
export const basilStep: VersionStep = {
  version: '2025-03-31.basil',
  downgrade(object) {
    if (object.object === 'subscription') return subscriptionBeforeBasil(object);
    if (object.object === 'invoice') return invoiceBeforeBasil(object);
    return object;
  },
};

function subscriptionBeforeBasil(subscription: Record<string, unknown>): Record<string, unknown> {
  const items = subscription.items as { data?: Array<Record<string, unknown>> } | undefined;
  const first = items?.data?.[0];
  return {
    ...subscription,
    current_period_start: first?.current_period_start ?? subscription.start_date ?? null,
    current_period_end: first?.current_period_end ?? null,
  };
}

function invoiceBeforeBasil(invoice: Record<string, unknown>): Record<string, unknown> {
  const parent = invoice.parent as
    { subscription_details?: { subscription?: unknown; metadata?: unknown } | null } | null | undefined;
  const details = parent?.subscription_details;
  return {
    ...invoice,
    subscription: details?.subscription ?? null,
    subscription_details: details ? { metadata: details.metadata ?? null } : null,
  };
}
