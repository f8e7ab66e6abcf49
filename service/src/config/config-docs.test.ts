// The generated configuration docs (.env.example, the README table) match the schema.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from './repository-root.js';
import { renderEnvExample, renderReadme } from './config-docs.js';
import { variables } from './schema.js';

describe('configuration documentation', () => {
  it('.env.example lists exactly the variables of the schema, as generated', async () => {
    const envExample = await readFile(path.join(repositoryRoot, '.env.example'), 'utf8');
    const listed = [...envExample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
    expect(listed).toEqual(Object.keys(variables));
    expect(envExample, 'run `npm run docs:config`').toBe(renderEnvExample());
  });

  it('the README configuration table matches the schema', async () => {
    const readme = await readFile(path.join(repositoryRoot, 'README.md'), 'utf8');
    expect(readme, 'run `npm run docs:config`').toBe(await renderReadme(readme));
  });

  it('every variable has a description', () => {
    for (const [name, spec] of Object.entries(variables)) {
      expect(spec.description.length, name).toBeGreaterThan(10);
    }
  });
});
