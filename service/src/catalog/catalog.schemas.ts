import { Type } from 'typebox';

export const CatalogPrice = Type.Object({
  id: Type.String(),
  lookup_key: Type.Union([Type.String(), Type.Null()]),
  nickname: Type.Union([Type.String(), Type.Null()]),
  currency: Type.String(),
  unit_amount: Type.Union([Type.Integer(), Type.Null()]),
  type: Type.Union([Type.Literal('one_time'), Type.Literal('recurring')]),
  recurring: Type.Union([
    Type.Object({ interval: Type.String(), interval_count: Type.Integer() }),
    Type.Null(),
  ]),
});

export const CatalogProduct = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  features: Type.Array(Type.String()),
  metadata: Type.Record(Type.String(), Type.String()),
  prices: Type.Array(CatalogPrice),
});

export const CatalogResponse = Type.Object(
  { data: Type.Array(CatalogProduct) },
  {
    examples: [
      {
        data: [
          {
            id: 'prod_pro',
            name: 'Pro',
            description: 'Everything a growing team needs',
            features: ['sso', 'audit_log'],
            metadata: { features: 'sso,audit_log' },
            prices: [
              {
                id: 'price_1PRO',
                lookup_key: 'pro_monthly',
                nickname: null,
                currency: 'usd',
                unit_amount: 2000,
                type: 'recurring',
                recurring: { interval: 'month', interval_count: 1 },
              },
            ],
          },
        ],
      },
    ],
  },
);

export const CatalogSyncResponse = Type.Object(
  { products: Type.Integer(), prices: Type.Integer() },
  { examples: [{ products: 6, prices: 8 }] },
);
