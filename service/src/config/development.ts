// What only development uses: the embedded PostgreSQL that `npm start` runs when no DATABASE_URL is set.
import path from 'node:path';
import { z } from 'zod';
import { repositoryRoot } from './repository-root.js';
import { integer, variable, type ParsedVariables } from './variable-spec.js';

export const developmentVariables = {
  EMBEDDED_POSTGRES_DATA_DIR: variable({
    schema: z.string().min(1, 'must not be empty'),
    default: '.data/postgres',
    description:
      'Data folder of the embedded PostgreSQL, relative to the repository root. Survives restarts.',
  }),
  EMBEDDED_POSTGRES_PORT: variable({
    schema: integer(1, 65_535),
    default: '54329',
    description: 'Port of the embedded PostgreSQL (listens on localhost only).',
  }),
} as const;

export interface DevelopmentConfig {
  embeddedPostgres: { dataDir: string; port: number };
}

export function toDevelopmentConfig(values: ParsedVariables<typeof developmentVariables>): DevelopmentConfig {
  return {
    embeddedPostgres: {
      dataDir: path.resolve(repositoryRoot, values.EMBEDDED_POSTGRES_DATA_DIR),
      port: values.EMBEDDED_POSTGRES_PORT,
    },
  };
}
