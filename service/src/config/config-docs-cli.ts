// `npm run docs:config`: rewrites .env.example and the configuration table in README.md from the schema.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repositoryRoot } from './repository-root.js';
import { renderEnvExample, renderReadme } from './config-docs.js';

const readmePath = path.join(repositoryRoot, 'README.md');
const envExamplePath = path.join(repositoryRoot, '.env.example');

// Fixed paths inside the repository, not user input.
/* eslint-disable security/detect-non-literal-fs-filename */
await writeFile(envExamplePath, renderEnvExample());
await writeFile(readmePath, await renderReadme(await readFile(readmePath, 'utf8')));
/* eslint-enable security/detect-non-literal-fs-filename */
process.stdout.write('Wrote .env.example and the configuration table in README.md\n');
