import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import { redactCredentialShapes } from './credential-redaction.js';

const OUR_KEY = `bsk_${'A1b2C3d4'.repeat(5)}xyz`;
const STRIPE_SECRET = `sk_test_${'51HxYzAbCdEf'.repeat(3)}`;
const STRIPE_RESTRICTED = `rk_live_${'9ZyXwVuT'.repeat(4)}`;
const WEBHOOK_SECRET = `whsec_${'QwErTy12'.repeat(4)}`;

describe('credentials are redacted from every log line', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await buildTestApp();
    await testApp.app.ready();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('an API key sent in a query string is refused and never written to the request log', async () => {
    const response = await testApp.app.inject({
      method: 'GET',
      url: `/v1/catalog?api_key=${OUR_KEY}&limit=3`,
    });
    expect(response.statusCode).toBe(401);
    const requestLine = testApp
      .logLines()
      .find(
        (line) => line.msg === 'request completed' && line.request_id === response.headers['x-request-id'],
      );
    expect(requestLine).toBeDefined();
    const written = JSON.stringify(testApp.logLines());
    expect(written).not.toContain(OUR_KEY);
    expect((requestLine?.req as { url: string }).url).toBe('/v1/catalog?api_key=[REDACTED]&limit=3');
  });

  it('credential-like parameters are redacted whatever they hold', async () => {
    const response = await testApp.app.inject({
      method: 'GET',
      url: '/v1/catalog?token=opaque-value-1&password=hunter2&Secret=s3&limit=1',
    });
    expect(response.statusCode).toBe(401);
    const written = JSON.stringify(testApp.logLines());
    for (const value of ['opaque-value-1', 'hunter2', 'Secret=s3']) expect(written).not.toContain(value);
    expect(written).toContain('limit=1');
  });

  it("anything shaped like our keys or Stripe's is redacted, anywhere in a line", () => {
    testApp.dependencies.logger.warn(
      { detail: `tried ${STRIPE_SECRET} then ${STRIPE_RESTRICTED}` },
      `webhook secret ${WEBHOOK_SECRET}, key Bearer ${OUR_KEY}`,
    );
    const written = JSON.stringify(testApp.logLines());
    for (const secret of [OUR_KEY, STRIPE_SECRET, STRIPE_RESTRICTED, WEBHOOK_SECRET]) {
      expect(written).not.toContain(secret);
    }
  });
});

describe('redactCredentialShapes', () => {
  it('keeps ordinary text, ids and non-credential parameters', () => {
    const text =
      '{"url":"/v1/customers/user_42?limit=10&starting_after=evt_123","id":"sub_1Abc","desk_top":"x"}';
    expect(redactCredentialShapes(text)).toBe(text);
  });

  it('redacts key shapes and credential parameters, keeping the rest of the line', () => {
    expect(redactCredentialShapes(`/x?key=abc&a=1 and ${STRIPE_SECRET}.`)).toBe(
      '/x?key=[REDACTED]&a=1 and [REDACTED].',
    );
  });

  it.each([
    ['a mode-prefixed key of ours', `bsk_test_${'Ab1'.repeat(15)}`],
    ['a live key of ours', `bsk_live_${'Zy9'.repeat(15)}`],
    ['a customer token', `bct_${'eyJjIjoidXNlcl80MiJ9'}.${'sig-_A1'.repeat(6)}`],
    ['an outgoing webhook secret (base64url)', 'whsec_Ab-_cD-_eF-_gH-_iJ-_kL-_mN-_oP'],
  ])('redacts %s whole', (_name, secret) => {
    expect(redactCredentialShapes(`{"msg":"x ${secret} y"}`)).toBe('{"msg":"x [REDACTED] y"}');
  });

  it('redacts signature values and Authorization credentials, keeping their names', () => {
    const hex = 'a1'.repeat(32);
    expect(redactCredentialShapes(`t=1764786000,v1=${hex},v0=${hex}`)).toBe(
      't=1764786000,v1=[REDACTED],v0=[REDACTED]',
    );
    expect(redactCredentialShapes('"Bearer not-a-key-123" "Basic YWRtaW46aHVudGVyMg=="')).toBe(
      '"Bearer [REDACTED]" "Basic [REDACTED]"',
    );
    expect(redactCredentialShapes('the basic plan, a bearer bond')).toBe('the basic plan, a bearer bond');
  });

  it('redacts card numbers in strings, grouped or not, but not other numbers nor bare JSON numbers', () => {
    const line =
      '{"time":4242424242424242,"url":"/v1/customers/4242424242424242?card=4000%200566%205566%205556",' +
      '"msg":"5555-5555-5555-4444 and 4000 0566 5566 5556","order":"1234567890123","id":"evt_4242424242424242"}';
    expect(redactCredentialShapes(line)).toBe(
      '{"time":4242424242424242,"url":"/v1/customers/[REDACTED]?card=[REDACTED]",' +
        '"msg":"[REDACTED] and [REDACTED]","order":"1234567890123","id":"evt_4242424242424242"}',
    );
  });
});
