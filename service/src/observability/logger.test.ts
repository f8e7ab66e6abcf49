import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, createSecretMasker } from './logger.js';

function captureLogger(secrets: string[]) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ level: 'info', pretty: false, secrets }, destination), lines };
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
});
