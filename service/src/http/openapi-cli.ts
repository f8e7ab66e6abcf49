// `npm run openapi`: writes docs/openapi.json from the routes' schemas (a test keeps it in sync).
import { writeFile } from 'node:fs/promises';
import { OPENAPI_DOCUMENT_PATH, renderOpenApiDocument } from './openapi-document.js';

const { text } = await renderOpenApiDocument();
// A fixed path inside the repository, not user input.
// eslint-disable-next-line security/detect-non-literal-fs-filename
await writeFile(OPENAPI_DOCUMENT_PATH, text);
process.stdout.write(`Wrote ${OPENAPI_DOCUMENT_PATH}\n`);
