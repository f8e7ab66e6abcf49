// Stripe's object types, re-exported so that services can name them without importing the SDK
// (only src/stripe/ imports `stripe`).
import type Stripe from 'stripe';

export type StripeCustomer = Stripe.Customer;
export type StripeDeletedCustomer = Stripe.DeletedCustomer;
export type StripeProduct = Stripe.Product;
export type StripePrice = Stripe.Price;
export type StripeCheckoutSession = Stripe.Checkout.Session;
export type StripeCheckoutSessionCreateParams = Stripe.Checkout.SessionCreateParams;
export type StripeSubscription = Stripe.Subscription;
export type StripeSubscriptionUpdateParams = Stripe.SubscriptionUpdateParams;
export type StripeSubscriptionCancelParams = Stripe.SubscriptionCancelParams;
export type StripeInvoice = Stripe.Invoice;
export type StripeInvoiceCreatePreviewParams = Stripe.InvoiceCreatePreviewParams;
export type StripePaymentIntent = Stripe.PaymentIntent;
export type StripeCharge = Stripe.Charge;
export type StripeEvent = Stripe.Event;
export type StripePortalConfiguration = Stripe.BillingPortal.Configuration;
export type StripePortalConfigurationCreateParams = Stripe.BillingPortal.ConfigurationCreateParams;
export type StripePortalSession = Stripe.BillingPortal.Session;
export type StripeWebhookEndpoint = Stripe.WebhookEndpoint;
export type StripeWebhookEndpointCreateParams = Stripe.WebhookEndpointCreateParams;
export type StripeWebhookEndpointUpdateParams = Stripe.WebhookEndpointUpdateParams;
/** An event type an endpoint can be enabled for ("*" included). */
export type StripeWebhookEventType = Stripe.WebhookEndpointCreateParams.EnabledEvent;

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
