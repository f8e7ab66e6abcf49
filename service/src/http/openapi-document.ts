// Renders the OpenAPI document from the real app, formatted as committed in docs/openapi.json. The app is built
// by the caller (`npm run openapi`, the test) from OPENAPI_ENVIRONMENT, so the document never depends on the
// machine's own configuration.
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { repositoryRoot } from '../config/repository-root.js';
import type { AppInstance } from './app-instance.js';

export const OPENAPI_DOCUMENT_PATH = path.join(repositoryRoot, 'docs', 'openapi.json');

/** Nothing is contacted: the pool connects lazily and the document needs no Stripe call. */
export const OPENAPI_ENVIRONMENT = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATABASE_URL: 'postgres://openapi@127.0.0.1:1/unused',
  STRIPE_API_BASE: 'http://127.0.0.1:1',
};

export async function renderOpenApiDocument(
  app: AppInstance,
): Promise<{ text: string; document: OpenApiDocument }> {
  await app.ready();
  const document = app.swagger() as unknown as OpenApiDocument;
  const style = await resolveConfig(OPENAPI_DOCUMENT_PATH);
  const text = await format(JSON.stringify(document), { ...style, filepath: OPENAPI_DOCUMENT_PATH });
  return { text, document };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, unknown>; requestBody?: unknown }>>;
  components?: { schemas?: Record<string, unknown> };
}
