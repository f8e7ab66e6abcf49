// The schema of an outgoing event, as webhook bodies and the change feed carry it.
import { Type } from 'typebox';

export const OutgoingEventSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    type: Type.String(),
    created: Type.String({ format: 'date-time' }),
    customer: Type.String({ description: 'The external_id of the customer' }),
    sequence: Type.Integer({ description: "1, 2, 3 … per customer, in the order of the customer's changes" }),
    data: Type.Record(Type.String(), Type.Unknown()),
  },
  {
    examples: [
      {
        id: '1d5e7c2a-3b4f-4e6a-8c9d-0a1b2c3d4e5f',
        type: 'entitlements.changed',
        created: '2026-11-27T09:00:01.000Z',
        customer: 'user_42',
        sequence: 3,
        data: {
          entitlements: [
            { feature: 'sso', source: { type: 'subscription', id: 'sub_1QpRo' }, expires_at: null },
          ],
        },
      },
    ],
  },
);
