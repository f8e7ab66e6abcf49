import { Type } from 'typebox';

export const ExternalId = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '^[A-Za-z0-9_.:@+|-]+$',
  description: "Your application's id for the customer (letters, digits and _ . : @ + | -).",
  examples: ['user_42'],
});

// Stripe's limits. The key's length is a propertyNames rule: a Record's key schema becomes a pattern, which drops
// its maxLength.
export const Metadata = Type.Record(Type.String(), Type.String({ maxLength: 500 }), {
  maxProperties: 40,
  propertyNames: { maxLength: 40 },
  description: 'Up to 40 string pairs, copied to Stripe.',
  examples: [{ plan_source: 'pricing_page' }],
});

export const CreateCustomerBody = Type.Object(
  {
    external_id: ExternalId,
    email: Type.String({ format: 'email', maxLength: 512 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    metadata: Type.Optional(Metadata),
  },
  {
    additionalProperties: false,
    examples: [{ external_id: 'user_42', email: 'ada@example.com', name: 'Ada Lovelace' }],
  },
);

export const CustomerResponse = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    external_id: Type.String(),
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    metadata: Type.Record(Type.String(), Type.String()),
    stripe_customer_id: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
  },
  {
    examples: [
      {
        id: '5b1f4a8e-3c2d-4e6f-8a9b-0c1d2e3f4a5b',
        external_id: 'user_42',
        email: 'ada@example.com',
        name: 'Ada Lovelace',
        metadata: {},
        stripe_customer_id: 'cus_Q1w2e3r4t5y6u7',
        created_at: '2026-11-27T09:00:00.000Z',
      },
    ],
  },
);

export const ExternalIdParams = Type.Object({ external_id: ExternalId });
