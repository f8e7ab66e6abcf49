// NODE_ENV, the runtime mode that several other concerns depend on (pretty logs, `.env`, production refusals).
import { z } from 'zod';
import { variable, type ParsedVariables } from './variable-spec.js';

export const nodeEnvVariables = {
  NODE_ENV: variable({
    schema: z.enum(['development', 'test', 'production'], {
      error: 'must be development, test or production',
    }),
    default: 'development',
    description:
      'Runtime mode. `development` enables pretty logs and reading `.env`; `production` requires `DATABASE_URL`.',
  }),
} as const;

export type NodeEnvValues = ParsedVariables<typeof nodeEnvVariables>;

export type NodeEnv = NodeEnvValues['NODE_ENV'];
