// The Stripe objects as this service reads them: only the fields we use, in our own types, so that nothing outside
// src/stripe/ depends on the SDK's. The gateway returns the SDK's objects typed as these (the compiler checks that
// each SDK type fits); event payloads are parsed to them (event-payloads.ts). Fields of older API versions that we
// still read are marked as such.

/** A reference Stripe either leaves as an id or expands into the object. */
export type StripeReference = string | { id: string };

export type StripeMetadata = Record<string, string>;

/** Stripe's enumerations: the values we know, open to ones a later API version adds (as the SDK types them). */
type OpenEnum<Known extends string> = Known | (string & {});

/** One page of a Stripe list. */
export interface StripePage<Item> {
  data: Item[];
  has_more: boolean;
}

export interface PageRequest {
  startingAfter?: string;
  /** 1 to 100; Stripe's default is 10. */
  limit?: number;
}

export interface StripeCustomer {
  id: string;
  /** Absent on a live customer (the SDK types it `void`). */
  deleted?: void;
  email?: string | null | undefined;
  name?: string | null | undefined;
}

export interface StripeDeletedCustomer {
  id: string;
  deleted: true;
}

/** The Stripe account a secret key belongs to (or the emulator instance's). */
export interface StripeAccount {
  id: string;
}

export interface StripeProduct {
  id: string;
  name: string;
  description?: string | null | undefined;
  active: boolean;
  metadata?: StripeMetadata | null | undefined;
  /** Absent from some older payloads: `created` stands in then. */
  updated?: number | null | undefined;
  created: number;
}

export interface StripePrice {
  id: string;
  product: StripeReference;
  active: boolean;
  currency: string;
  unit_amount: number | null;
  type: string;
  recurring?: { interval: string; interval_count: number } | null | undefined;
  lookup_key?: string | null | undefined;
  nickname?: string | null | undefined;
  metadata?: StripeMetadata | null | undefined;
  created: number;
}

export interface StripeCheckoutLineItem {
  id: string;
  price: { id: string; product: StripeReference } | null;
  description: string | null;
  quantity: number | null;
  currency: string;
  amount_total: number;
}

export interface StripeCheckoutSession {
  id: string;
  mode: OpenEnum<'payment' | 'setup' | 'subscription'>;
  status: OpenEnum<'complete' | 'expired' | 'open'> | null;
  url: string | null;
  expires_at: number;
  customer: StripeReference | null;
  payment_intent: StripeReference | null;
  payment_status: OpenEnum<'no_payment_required' | 'paid' | 'unpaid'>;
  currency: string | null;
  amount_total: number | null;
  /** The subscription a subscription-mode session created, once it is complete. */
  subscription: StripeReference | null;
  created: number;
  /** Present when the session was retrieved with `expand: ['line_items']`. */
  line_items?: StripePage<StripeCheckoutLineItem> | undefined;
}

export interface StripeSubscriptionItem {
  id: string;
  price: { id: string; product: StripeReference };
  quantity?: number | undefined;
  current_period_start?: number | null | undefined;
  current_period_end?: number | null | undefined;
}

export type StripeSubscriptionStatus = OpenEnum<
  'active' | 'canceled' | 'incomplete' | 'incomplete_expired' | 'past_due' | 'paused' | 'trialing' | 'unpaid'
>;

export interface StripeSubscription {
  id: string;
  customer: StripeReference;
  status: StripeSubscriptionStatus;
  cancel_at_period_end: boolean;
  cancel_at: number | null;
  canceled_at: number | null;
  ended_at: number | null;
  trial_start: number | null;
  trial_end: number | null;
  metadata: StripeMetadata | null;
  created: number;
  items: StripePage<StripeSubscriptionItem>;
  /** API versions before 2025-03-31 kept the current period on the subscription, not on its items. */
  current_period_start?: number | null | undefined;
  current_period_end?: number | null | undefined;
}

export interface StripeInvoice {
  id: string;
  customer: StripeReference | null;
  parent?: { subscription_details: { subscription: StripeReference } | null } | null | undefined;
  /** API versions before 2025-03-31: the subscription at the top level instead of under `parent`. */
  subscription?: StripeReference | null | undefined;
  status: string | null;
  billing_reason: string | null;
  number: string | null;
  hosted_invoice_url?: string | null | undefined;
  invoice_pdf?: string | null | undefined;
  currency: string;
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  total: number;
  attempt_count: number;
  period_start: number;
  period_end: number;
  status_transitions?: { paid_at: number | null } | undefined;
  created: number;
}

/** What createPreview answers: the invoice a change would produce, line by line. */
export interface StripeInvoicePreview {
  currency: string;
  amount_due: number;
  lines: StripePage<{
    description: string | null;
    amount: number;
    parent: {
      subscription_item_details: { proration: boolean } | null;
      invoice_item_details: { proration: boolean } | null;
    } | null;
  }>;
}

export interface StripeCharge {
  id: string;
  payment_intent: StripeReference | null;
  amount_refunded: number;
  /** API versions before 2025-03-31: the invoice the charge paid. */
  invoice?: StripeReference | null | undefined;
  /** Expanded by the gateway's retrieveCharge: the charge's refunds, ours and those made elsewhere. */
  refunds?: StripePage<StripeRefund> | null | undefined;
}

export interface StripeRefund {
  id: string;
  amount: number;
  status: string | null;
  reason: string | null;
  failure_reason?: string | null | undefined;
  metadata: StripeMetadata | null;
}

/** A charge.dispute.* event's object, as the handler reads it (event-payloads.ts parses it). */
export interface StripeDispute {
  id: string;
  status: string;
  charge: StripeReference | null;
  payment_intent: StripeReference | null;
}

/** An event as Stripe lists it (any API version); its object stays untyped until a handler parses it. */
export interface StripeEventObject {
  id: string;
  type: string;
  created: number;
  api_version: string | null;
  livemode: boolean;
  data: { object: object };
}

/** The fields of Stripe objects we only need the id of (created objects, portal configurations and sessions). */
export interface StripeCreated {
  id: string;
}

export interface StripePortalSession {
  id: string;
  url: string;
}

/** A webhook endpoint registered at Stripe (`secret` only on the answer that created it). */
export interface StripeWebhookEndpoint {
  id: string;
  url: string;
  status: string;
  enabled_events: string[];
  api_version: string | null;
  secret?: string;
}
