import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderCommittedOpenApiDocument } from './openapi-cli.js';
import { OPENAPI_DOCUMENT_PATH } from './openapi-document.js';
import { buildTestApp } from '../test-support/test-app.js';

describe('OpenAPI document', () => {
  it('lists every /v1/ route with a success response schema, request bodies with examples', async () => {
    const { document } = await renderCommittedOpenApiDocument();
    const testApp = await buildTestApp();
    const routes: string[] = [];
    testApp.app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (!route.url.startsWith('/v1/')) return;
      for (const method of methods) if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
    });
    await testApp.app.ready();
    await testApp.close();
    const documented = Object.entries(document.paths).flatMap(([url, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${url.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(routes.length).toBeGreaterThan(8);
    expect(documented.sort()).toEqual(routes.sort());
    for (const [url, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const success = operation.responses?.['200'] ?? operation.responses?.['201'];
        expect(success, `${method} ${url}`).toBeDefined();
        if (operation.requestBody !== undefined)
          expect(JSON.stringify(operation.requestBody), url).toContain('example');
      }
    }
  });

  it('is committed as docs/openapi.json, as generated (run `npm run openapi`)', async () => {
    const { text } = await renderCommittedOpenApiDocument();
    expect(await readFile(OPENAPI_DOCUMENT_PATH, 'utf8'), 'run `npm run openapi`').toBe(text);
  });

  it('serves the document at /docs/json and the UI at /docs', async () => {
    const testApp = await buildTestApp();
    const json = await testApp.app.inject({ method: 'GET', url: '/docs/json' });
    const ui = await testApp.app.inject({ method: 'GET', url: '/docs/' });
    await testApp.close();
    expect(json.statusCode).toBe(200);
    expect(json.json<{ openapi: string }>().openapi).toBe('3.1.0');
    expect(ui.statusCode).toBe(200);
  });
});
