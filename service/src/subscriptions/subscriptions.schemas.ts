import { Type } from 'typebox';

const Timestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const SubscriptionView = Type.Object(
  {
    id: Type.String({ description: "Stripe's subscription id" }),
    status: Type.String(),
    cancel_at_period_end: Type.Boolean(),
    cancel_at: Timestamp,
    canceled_at: Timestamp,
    trial_end: Timestamp,
    current_period_start: Timestamp,
    current_period_end: Timestamp,
    items: Type.Array(
      Type.Object({ price: Type.String(), product: Type.String(), quantity: Type.Integer() }),
    ),
  },
  {
    examples: [
      {
        id: 'sub_1QpRo',
        status: 'active',
        cancel_at_period_end: false,
        cancel_at: null,
        canceled_at: null,
        trial_end: null,
        current_period_start: '2026-11-27T09:00:00.000Z',
        current_period_end: '2026-12-27T09:00:00.000Z',
        items: [{ price: 'price_1PRO', product: 'prod_pro', quantity: 1 }],
      },
    ],
  },
);

export const SubscriptionList = Type.Object({ data: Type.Array(SubscriptionView) });

export const SubscriptionIdParams = Type.Object({
  id: Type.String({ pattern: '^sub_[A-Za-z0-9]+$', examples: ['sub_1QpRo'] }),
});

export const ChangeBody = Type.Object(
  {
    price: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'The new price id' })),
    lookup_key: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'Or its lookup key' }),
    ),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 999_999 })),
    proration_behavior: Type.Optional(
      Type.Union([Type.Literal('create_prorations'), Type.Literal('none'), Type.Literal('always_invoice')], {
        description: 'How Stripe bills the change (default create_prorations: on the next invoice)',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ lookup_key: 'team_monthly', proration_behavior: 'create_prorations' }],
  },
);

export const ChangePreview = Type.Object(
  {
    subscription: Type.String(),
    price: Type.String(),
    quantity: Type.Integer(),
    proration_behavior: Type.String(),
    proration_date: Type.String({ format: 'date-time' }),
    currency: Type.String(),
    proration_amount: Type.Integer({
      description: 'Net of the proration lines, in the smallest currency unit',
    }),
    amount_due: Type.Integer({ description: 'Total of the invoice the change leads to' }),
    lines: Type.Array(
      Type.Object({ description: Type.String(), amount: Type.Integer(), proration: Type.Boolean() }),
    ),
  },
  {
    examples: [
      {
        subscription: 'sub_1QpRo',
        price: 'price_1TEAM',
        quantity: 1,
        proration_behavior: 'create_prorations',
        proration_date: '2026-12-12T09:00:00.000Z',
        currency: 'usd',
        proration_amount: 1500,
        amount_due: 6500,
        lines: [
          { description: 'Unused time on Pro after 12 Dec 2026', amount: -1000, proration: true },
          { description: 'Remaining time on Team after 12 Dec 2026', amount: 2500, proration: true },
          { description: '1 × Team (at $50.00 / month)', amount: 5000, proration: false },
        ],
      },
    ],
  },
);

export const CancelBody = Type.Object(
  {
    at_period_end: Type.Optional(
      Type.Boolean({ description: 'true (default): keep access until the period ends; false: cancel now' }),
    ),
  },
  { additionalProperties: false, examples: [{ at_period_end: true }] },
);
