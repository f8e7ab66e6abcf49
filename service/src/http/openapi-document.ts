// Renders the OpenAPI document from the real app, formatted as committed in docs/openapi.json.
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { buildApp } from '../app.js';
import { parseConfig } from '../config/load-config.js';
import { repositoryRoot } from '../config/repository-root.js';
import { closeDependencies, createDependencies } from '../deps.js';
import { createLogger } from '../observability/logger.js';

export const OPENAPI_DOCUMENT_PATH = path.join(repositoryRoot, 'docs', 'openapi.json');

export async function renderOpenApiDocument(): Promise<{ text: string; document: OpenApiDocument }> {
  // Nothing is contacted: the pool connects lazily and the document needs no Stripe call.
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'postgres://openapi@127.0.0.1:1/unused',
    STRIPE_API_BASE: 'http://127.0.0.1:1',
  });
  const logger = createLogger({ ...config.log, pretty: false, secrets: [] });
  const dependencies = await createDependencies({ config, logger, databaseUrl: config.database.url ?? '' });
  const app = buildApp(dependencies);
  try {
    await app.ready();
    const document = app.swagger() as unknown as OpenApiDocument;
    const style = await resolveConfig(OPENAPI_DOCUMENT_PATH);
    const text = await format(JSON.stringify(document), { ...style, filepath: OPENAPI_DOCUMENT_PATH });
    return { text, document };
  } finally {
    await app.close();
    await closeDependencies(dependencies);
  }
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, unknown>; requestBody?: unknown }>>;
  components?: { schemas?: Record<string, unknown> };
}
