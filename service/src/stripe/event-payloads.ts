// The objects of the events whose payload we apply as given (products, prices, customers), parsed to our own types:
// a payload that is not what we read fails its event loudly (and is retried) instead of writing a half-filled row.
// Every other event is applied by refetching its object, so only its id is read.
import { z } from 'zod';
import type { StripeCustomer, StripePrice, StripeProduct } from './stripe-objects.js';

const metadata = z.record(z.string(), z.string()).nullish();
const reference = z.union([z.string(), z.object({ id: z.string() })]);

const productSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  active: z.boolean(),
  metadata,
  updated: z.number().nullish(),
  created: z.number(),
}) satisfies z.ZodType<StripeProduct>;

const priceSchema = z.object({
  id: z.string(),
  product: reference,
  active: z.boolean(),
  currency: z.string(),
  unit_amount: z.number().nullable(),
  type: z.string(),
  recurring: z.object({ interval: z.string(), interval_count: z.number() }).nullish(),
  lookup_key: z.string().nullish(),
  nickname: z.string().nullish(),
  metadata,
  created: z.number(),
}) satisfies z.ZodType<StripePrice>;

const customerSchema = z.object({
  id: z.string(),
  deleted: z.undefined().optional(),
  email: z.string().nullish(),
  name: z.string().nullish(),
}) satisfies z.ZodType<StripeCustomer>;

function parse<Output>(schema: z.ZodType<Output>, name: string, object: unknown): Output {
  const parsed = schema.safeParse(object);
  if (parsed.success) return parsed.data;
  throw new Error(`the event's object is not a ${name}: ${z.prettifyError(parsed.error)}`);
}

export const parseStripeProduct = (object: unknown): StripeProduct => parse(productSchema, 'product', object);
export const parseStripePrice = (object: unknown): StripePrice => parse(priceSchema, 'price', object);
export const parseStripeCustomer = (object: unknown): StripeCustomer =>
  parse(customerSchema, 'customer', object);
