// The parameters this service sends to Stripe, in our own types: only what we set. The gateway passes them to the
// SDK unchanged (the compiler checks that each fits the SDK's parameter type).
import type { StripeMetadata } from './stripe-objects.js';

export interface CustomerCreateParams {
  email: string;
  name?: string;
  metadata: StripeMetadata;
}

export interface CheckoutSessionCreateParams {
  mode: 'payment' | 'subscription';
  customer: string;
  client_reference_id: string;
  line_items: Array<{ price: string; quantity: number }>;
  success_url: string;
  cancel_url: string;
  metadata: StripeMetadata;
  allow_promotion_codes?: boolean;
  subscription_data?: { metadata: StripeMetadata; trial_period_days?: number };
  payment_intent_data?: { metadata: StripeMetadata };
}

export type ProrationBehavior = 'always_invoice' | 'create_prorations' | 'none';

export interface SubscriptionItemChange {
  id: string;
  price: string;
  quantity: number;
}

/** A plan change, a cancellation at period end, or undoing one (`cancel_at: ''` unsets a chosen date). */
export interface SubscriptionUpdateParams {
  items?: SubscriptionItemChange[];
  proration_behavior?: ProrationBehavior;
  cancel_at_period_end?: boolean;
  cancel_at?: number | '';
}

/** Cancelling now: we set nothing (no final invoice options). */
export type SubscriptionCancelParams = Record<string, never>;

export interface InvoicePreviewParams {
  customer: string;
  subscription: string;
  subscription_details: {
    items: SubscriptionItemChange[];
    proration_behavior: ProrationBehavior;
    proration_date: number;
  };
}

export interface PortalConfigurationCreateParams {
  business_profile: { headline: string };
  features: {
    subscription_cancel: {
      enabled: boolean;
      mode: 'at_period_end' | 'immediately';
      proration_behavior: 'none';
    };
    subscription_update: {
      enabled: boolean;
      default_allowed_updates: Array<'price' | 'promotion_code' | 'quantity'>;
      proration_behavior: ProrationBehavior;
      products: Array<{ product: string; prices: string[] }>;
    };
    payment_method_update: { enabled: boolean };
    invoice_history: { enabled: boolean };
  };
  metadata: StripeMetadata;
}

export interface PortalSessionCreateParams {
  customer: string;
  return_url: string;
  configuration: string;
}
