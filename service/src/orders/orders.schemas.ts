// Schemas of the order routes: an order with its lines and refunds, a page of orders, a refund request.
import { Type } from 'typebox';

const Timestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const OrderIdParams = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Our order id (an entitlement source of type "order")' }),
});

export const RefundView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  order: Type.String({ format: 'uuid' }),
  amount: Type.Integer({ description: 'In the smallest unit of the currency' }),
  reason: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union(
    [
      Type.Literal('creating'),
      Type.Literal('pending'),
      Type.Literal('succeeded'),
      Type.Literal('failed'),
      Type.Literal('canceled'),
    ],
    {
      description:
        'creating: asked of Stripe, no answer yet (a retry with the same Idempotency-Key resumes it)',
    },
  ),
  stripe_refund_id: Type.Union([Type.String(), Type.Null()]),
  failure_reason: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
});

const exampleRefund = {
  id: '0c8e4a7e-5d1f-4f0a-9b3e-6a2d1c9f8e71',
  order: '6f1c0e9a-2b7d-4c1e-9a55-0d3b8f4e2a10',
  amount: 1000,
  reason: 'requested_by_customer',
  status: 'succeeded',
  stripe_refund_id: 're_1QrFnd',
  failure_reason: null,
  created_at: '2026-11-28T10:00:00.000Z',
};

export const OrderView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    customer: Type.Union([Type.String(), Type.Null()], { description: 'The external_id of the buyer' }),
    status: Type.Union([
      Type.Literal('pending'),
      Type.Literal('paid'),
      Type.Literal('failed'),
      Type.Literal('partially_refunded'),
      Type.Literal('refunded'),
    ]),
    currency: Type.String(),
    amount_total: Type.Integer(),
    amount_refunded: Type.Integer({ description: "As Stripe's charge reports it" }),
    checkout_session: Type.String({ description: "Stripe's checkout session id" }),
    payment_intent: Type.Union([Type.String(), Type.Null()]),
    dispute: Type.Union([Type.Object({ id: Type.String(), status: Type.String() }), Type.Null()], {
      description: 'While a dispute is open or lost, the order grants nothing',
    }),
    lines: Type.Array(
      Type.Object({
        price: Type.String(),
        product: Type.String(),
        description: Type.Union([Type.String(), Type.Null()]),
        quantity: Type.Integer(),
        amount_total: Type.Integer(),
      }),
    ),
    refunds: Type.Array(RefundView),
    paid_at: Timestamp,
    refunded_at: Timestamp,
    created_at: Type.String({ format: 'date-time' }),
  },
  {
    examples: [
      {
        id: '6f1c0e9a-2b7d-4c1e-9a55-0d3b8f4e2a10',
        customer: 'user_42',
        status: 'partially_refunded',
        currency: 'usd',
        amount_total: 3800,
        amount_refunded: 1000,
        checkout_session: 'cs_test_a1B2c3',
        payment_intent: 'pi_3QrFnd',
        dispute: null,
        lines: [
          {
            price: 'price_1BEANS',
            product: 'prod_beans',
            description: 'Coffee beans',
            quantity: 2,
            amount_total: 3000,
          },
          { price: 'price_1MUG', product: 'prod_mug', description: 'Mug', quantity: 1, amount_total: 800 },
        ],
        refunds: [exampleRefund],
        paid_at: '2026-11-27T09:00:00.000Z',
        refunded_at: '2026-11-28T10:00:01.000Z',
        created_at: '2026-11-27T09:00:00.000Z',
      },
    ],
  },
);

export const OrderPage = Type.Object({ data: Type.Array(OrderView), has_more: Type.Boolean() });

export const RefundBody = Type.Object(
  {
    amount: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Smallest currency unit; omitted: everything that remains' }),
    ),
    reason: Type.Optional(
      Type.Union([
        Type.Literal('duplicate'),
        Type.Literal('fraudulent'),
        Type.Literal('requested_by_customer'),
      ]),
    ),
  },
  { additionalProperties: false, examples: [{ amount: 1000, reason: 'requested_by_customer' }, {}] },
);

export const RefundResponse = Type.Object(RefundView.properties, { examples: [exampleRefund] });
