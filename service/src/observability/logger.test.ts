import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, createSecretMasker } from './logger.js';

function captureLogger(secrets: string[], pretty = false) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ level: 'info', pretty, secrets }, destination), lines };
}

describe('logger', () => {
  it('masks configured secrets in messages, fields and errors', () => {
    const url = 'postgres://billing:s3cr3t-Pa55@db.internal/billing';
    const { logger, lines } = captureLogger([url, 's3cr3t-Pa55']);
    logger.info(`connecting to ${url}`);
    logger.info({ detail: { password: 'other', hint: 'password was s3cr3t-Pa55' } }, 'nested');
    logger.error({ err: new Error('auth failed for s3cr3t-Pa55') }, 'failed');
    const output = lines.join('');
    expect(output).not.toContain('s3cr3t-Pa55');
    expect(output).toContain('connecting to [REDACTED]');
    expect(output).toContain('auth failed for [REDACTED]');
  });

  it('removes credential headers and password fields by path', () => {
    const { logger, lines } = captureLogger([]);
    logger.info(
      {
        req: { headers: { authorization: 'Bearer sk_live_abc', 'stripe-signature': 't=1,v1=abc' } },
        user: { password: 'pw1234' },
      },
      'request',
    );
    const line = JSON.parse(lines[0]!) as {
      req: { headers: Record<string, string> };
      user: { password: string };
    };
    expect(line.req.headers.authorization).toBe('[REDACTED]');
    expect(line.req.headers['stripe-signature']).toBe('[REDACTED]');
    expect(line.user.password).toBe('[REDACTED]');
  });

  it('masks a secret that JSON escapes, as it appears in the written line', () => {
    const mask = createSecretMasker(['quote"back\\slash']);
    expect(mask(JSON.stringify({ msg: 'value quote"back\\slash here' }))).toBe(
      '{"msg":"value [REDACTED] here"}',
    );
  });

  it('writes a request as one readable line in development', () => {
    const { logger, lines } = captureLogger([], true);
    logger.info(
      {
        request_id: 'req-1',
        req: { method: 'POST', url: '/v1/checkout/sessions', route: '/v1/checkout/sessions' },
        res: { statusCode: 201 },
        responseTime: 12.4,
      },
      'request completed',
    );
    expect(lines.join('')).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: POST \/v1\/checkout\/sessions 201 12ms req=req-1\n$/,
    );
  });

  it('writes any other record in development as its message and fields on one line, masked', () => {
    const { logger, lines } = captureLogger(['s3cr3t-Pa55'], true);
    logger.child({ component: 'inbox-worker' }).warn({ listed: 17, note: 'key s3cr3t-Pa55' }, 'sweep ran');
    expect(lines.join('')).toMatch(
      /^\[[\d:.]+\] WARN: sweep ran component=inbox-worker listed=17 note="key \[REDACTED\]"\n$/,
    );
  });

  it("keeps an error's stack below its line in development", () => {
    const { logger, lines } = captureLogger([], true);
    logger.error({ err: new Error('boom'), request_id: 'req-2' }, 'request failed');
    const [first, second] = lines.join('').split('\n');
    expect(first).toMatch(/ ERROR: request failed err=boom req=req-2$/);
    expect(second).toBe('    Error: boom');
  });
});
