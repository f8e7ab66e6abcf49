// The building blocks of the configuration schema: a variable's spec, the parsed values of a group of
// variables, and the value schemas variables share.
import { z } from 'zod';

export interface VariableSpec<Schema extends z.ZodType = z.ZodType> {
  schema: Schema;
  description: string;
  /** The value used when the variable is unset or empty; undefined means "no value". */
  default: string | undefined;
  /** Secret values are never echoed in errors and are masked in every log line. */
  secret?: boolean;
}

export function variable<Schema extends z.ZodType>(spec: VariableSpec<Schema>): VariableSpec<Schema> {
  return spec;
}

/** The parsed value of each variable in a group, typed from its schema as zod's object would parse it. */
export type ParsedVariables<Variables extends Record<string, VariableSpec>> = z.output<
  z.ZodObject<{ [Name in keyof Variables]: Variables[Name]['schema'] }>
>;

export function integer(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

export const port = integer(0, 65_535);
export const milliseconds = (min: number) => integer(min, 24 * 60 * 60 * 1000);

export const booleanFlag = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

export const postgresUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^postgres(ql)?:$/.test(new URL(value).protocol), {
    message: 'must be a postgres:// or postgresql:// URL',
  });

/** A comma-separated list: items trimmed, empty ones dropped. */
const splitList = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

/** A comma-separated list of strings, each checked by `item` (several secrets in rotation, say). */
export const commaList = (item: z.ZodString) => z.string().transform(splitList).pipe(z.array(item));

// An origin is scheme + host (+ port), nothing else, exactly as browsers send it in the Origin header.
export const originList = z.string().transform((value, context) => {
  const origins = splitList(value);
  for (const origin of origins) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      context.addIssue({
        code: 'custom',
        message: `"${origin}" is not an origin like https://app.example.com`,
      });
    }
  }
  return origins;
});

export const optionalUrl = (protocols: RegExp, message: string) =>
  z
    .string()
    .refine((value) => URL.canParse(value) && protocols.test(new URL(value).protocol), { message })
    .optional();
