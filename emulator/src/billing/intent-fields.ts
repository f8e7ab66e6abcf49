// The fields a PaymentIntent and a SetupIntent take alike from their create call.
import type { ClockId } from './time.js';

/** What both intent create calls accept. */
export interface IntentInput {
  customer: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  paymentMethod?: string | null;
  clock: ClockId;
}

export interface IntentFields {
  customer: string | null;
  customer_account: null;
  description: string | null;
  metadata: Record<string, string>;
  next_action: null;
  on_behalf_of: null;
  payment_method: string | null;
  payment_method_configuration_details: null;
  status: 'requires_confirmation' | 'requires_payment_method';
}

/** The shared fields as Stripe sets them on create: an intent given a payment method waits for confirmation. */
export function intentFieldsFrom(input: IntentInput): IntentFields {
  return {
    customer: input.customer,
    customer_account: null,
    description: input.description ?? null,
    metadata: { ...(input.metadata ?? {}) },
    next_action: null,
    on_behalf_of: null,
    payment_method: input.paymentMethod ?? null,
    payment_method_configuration_details: null,
    status: input.paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
  };
}
