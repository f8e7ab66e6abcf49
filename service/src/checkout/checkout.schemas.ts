import { Type } from 'typebox';
import { ExternalId, Metadata } from '../customers/customers.schemas.js';

export const CheckoutItem = Type.Object(
  {
    price: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'A price id of the catalog' }),
    ),
    lookup_key: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'Or its lookup key' }),
    ),
    quantity: Type.Integer({ minimum: 1, description: 'At least 1, at most CHECKOUT_MAX_QUANTITY' }),
  },
  { additionalProperties: false },
);

export const CreateCheckoutBody = Type.Object(
  {
    customer: ExternalId,
    mode: Type.Union([Type.Literal('payment'), Type.Literal('subscription')]),
    items: Type.Array(CheckoutItem, { minItems: 1, maxItems: 100 }),
    success_url: Type.String({
      maxLength: 2048,
      description:
        'Where Stripe sends the buyer after paying; {CHECKOUT_SESSION_ID} is replaced by the session id.',
    }),
    cancel_url: Type.String({ maxLength: 2048 }),
    trial_days: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 730, description: 'Subscription mode only' }),
    ),
    allow_promotion_codes: Type.Optional(Type.Boolean()),
    allow_multiple: Type.Optional(
      Type.Boolean({
        description:
          'Subscription mode: allow a second live subscription to a product the customer already holds',
      }),
    ),
    metadata: Type.Optional(Metadata),
  },
  {
    additionalProperties: false,
    examples: [
      {
        customer: 'user_42',
        mode: 'payment',
        items: [
          { lookup_key: 'coffee_beans', quantity: 2 },
          { lookup_key: 'mug', quantity: 1 },
        ],
        success_url: 'https://app.example.com/thanks?session_id={CHECKOUT_SESSION_ID}',
        cancel_url: 'https://app.example.com/cart',
      },
      {
        customer: 'user_42',
        mode: 'subscription',
        items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
        success_url: 'https://app.example.com/welcome?session_id={CHECKOUT_SESSION_ID}',
        cancel_url: 'https://app.example.com/pricing',
        trial_days: 14,
      },
    ],
  },
);

export const CheckoutSessionResponse = Type.Object(
  {
    id: Type.String({ description: "Stripe's checkout session id" }),
    url: Type.String({ description: 'Send the buyer here' }),
    expires_at: Type.String({ format: 'date-time' }),
    reused: Type.Boolean({
      description: 'true when the open session of the same customer and cart is returned',
    }),
  },
  {
    examples: [
      {
        id: 'cs_test_a1B2c3',
        url: 'https://checkout.stripe.com/c/pay/cs_test_a1B2c3',
        expires_at: '2026-11-28T09:00:00.000Z',
        reused: false,
      },
    ],
  },
);
