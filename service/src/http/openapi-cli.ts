// `npm run openapi`: writes docs/openapi.json from the routes' schemas (a test keeps it in sync). An entry point:
// it builds the real app from OPENAPI_ENVIRONMENT through the composition root, as the test does through it.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../app.js';
import { parseConfig } from '../config/load-config.js';
import { closeDependencies, createDependencies } from '../deps.js';
import { createLogger } from '../observability/logger.js';
import { OPENAPI_DOCUMENT_PATH, OPENAPI_ENVIRONMENT, renderOpenApiDocument } from './openapi-document.js';

/** The document as committed: rendered from an app built from OPENAPI_ENVIRONMENT. */
export async function renderCommittedOpenApiDocument(): ReturnType<typeof renderOpenApiDocument> {
  const config = parseConfig(OPENAPI_ENVIRONMENT);
  const logger = createLogger({ ...config.log, pretty: false, secrets: [] });
  const dependencies = await createDependencies({ config, logger, databaseUrl: config.database.url ?? '' });
  const app = buildApp(dependencies);
  try {
    return await renderOpenApiDocument(app);
  } finally {
    await app.close();
    await closeDependencies(dependencies);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { text } = await renderCommittedOpenApiDocument();
  // A fixed path inside the repository, not user input.
  // eslint-disable-next-line security/detect-non-literal-fs-filename
  await writeFile(OPENAPI_DOCUMENT_PATH, text);
  process.stdout.write(`Wrote ${OPENAPI_DOCUMENT_PATH}\n`);
}
