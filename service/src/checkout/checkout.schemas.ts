import { Type } from 'typebox';
import { ExternalId, Metadata } from '../customers/customers.schemas.js';
import { DEFAULT_DEV_ORIGIN, devCheckoutReturnUrls } from '../dev/return-page-urls.js';

// The examples return to the development pages `npm start` serves, so "Try it out" in /docs works on its defaults.
const EXAMPLE_RETURN_URLS = devCheckoutReturnUrls(DEFAULT_DEV_ORIGIN);

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
        'Where Stripe sends the buyer after paying; {CHECKOUT_SESSION_ID} is replaced by the session id. Its origin must be in ALLOWED_REDIRECT_ORIGINS. In development, `/dev/checkout/success?session_id={CHECKOUT_SESSION_ID}` on this API shows what the session became.',
    }),
    cancel_url: Type.String({
      maxLength: 2048,
      description:
        'Where Stripe sends the buyer who leaves the checkout. In development, `/dev/checkout/cancel` on this API.',
    }),
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
        ...EXAMPLE_RETURN_URLS,
      },
      {
        customer: 'user_42',
        mode: 'subscription',
        items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
        ...EXAMPLE_RETURN_URLS,
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

export const CheckoutSessionIdParams = Type.Object({
  id: Type.String({
    pattern: '^cs_[A-Za-z0-9_]+$',
    maxLength: 255,
    description: "Stripe's checkout session id",
  }),
});

export const CheckoutSessionState = Type.Object(
  {
    id: Type.String(),
    customer: Type.String({ description: 'The external_id of the buyer' }),
    mode: Type.Union([Type.Literal('payment'), Type.Literal('subscription')]),
    status: Type.String({ description: "Stripe's: open, complete or expired" }),
    payment_status: Type.String({ description: "Stripe's: paid, unpaid or no_payment_required" }),
    currency: Type.Union([Type.String(), Type.Null()]),
    amount_total: Type.Union([Type.Integer(), Type.Null()]),
    order: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
      description: 'Our order (GET /v1/orders/{id}), once the payment is applied; null in subscription mode',
    }),
    subscription: Type.Union([Type.String(), Type.Null()]),
    expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  {
    examples: [
      {
        id: 'cs_test_a1B2c3',
        customer: 'user_42',
        mode: 'payment',
        status: 'complete',
        payment_status: 'paid',
        currency: 'usd',
        amount_total: 3800,
        order: '6f1c0e9a-2b7d-4c1e-9a55-0d3b8f4e2a10',
        subscription: null,
        expires_at: '2026-11-28T09:00:00.000Z',
      },
    ],
  },
);
