// "Try it out" in /docs on the development defaults: the OpenAPI examples of creating a customer, a checkout
// session (each example) and a portal session, sent as they are, succeed with ALLOWED_REDIRECT_ORIGINS unset,
// because they return to the development pages on the API's default origin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../http/openapi-document.js';
import { startSeededTestApp, type SeededTestApp } from '../test-support/seeded-test-app.js';
import { DEFAULT_DEV_ORIGIN } from './return-page-urls.js';

interface MediaType {
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}

function examplesOf(document: OpenApiDocument, path: string): unknown[] {
  const body = document.paths[path]?.post?.requestBody as
    { content: { 'application/json': MediaType } } | undefined;
  const media = body?.content['application/json'];
  if (media?.examples !== undefined) return Object.values(media.examples).map((example) => example.value);
  return media?.example === undefined ? [] : [media.example];
}

describe('the /docs examples on the development defaults', () => {
  let world: SeededTestApp;
  let document: OpenApiDocument;

  beforeAll(async () => {
    // Empty is unset: ALLOWED_REDIRECT_ORIGINS takes its default (PORT is its default, 8080, too).
    world = await startSeededTestApp({ ALLOWED_REDIRECT_ORIGINS: '' });
    document = world.app.swagger() as unknown as OpenApiDocument;
  });
  afterAll(async () => {
    await world.closeAll();
  });

  it('allow redirects to the API itself by default', () => {
    expect(world.dependencies.config.redirects.allowedOrigins).toContain(DEFAULT_DEV_ORIGIN);
  });

  it('create the customer, a checkout session from each example and a portal session', async () => {
    const [customer] = examplesOf(document, '/v1/customers');
    expect((await world.call('POST', '/v1/customers', customer)).statusCode).toBe(201);

    const checkouts = examplesOf(document, '/v1/checkout/sessions');
    expect(checkouts).toHaveLength(2);
    for (const example of checkouts) {
      expect(example).toMatchObject({
        success_url: `${DEFAULT_DEV_ORIGIN}/dev/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${DEFAULT_DEV_ORIGIN}/dev/checkout/cancel`,
      });
      const response = await world.call('POST', '/v1/checkout/sessions', example);
      expect(response.statusCode, response.body).toBe(201);
    }

    const [portal] = examplesOf(document, '/v1/portal/sessions');
    expect(portal).toMatchObject({ return_url: `${DEFAULT_DEV_ORIGIN}/dev/account?customer=user_42` });
    const response = await world.call('POST', '/v1/portal/sessions', portal);
    expect(response.statusCode, response.body).toBe(201);
  });
});
