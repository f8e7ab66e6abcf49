// Where checkout and portal redirects may lead by default: outside production also the API's own origin, where
// the development return pages are served.
import { describe, expect, it } from 'vitest';
import { parseConfig } from './load-config.js';

describe('ALLOWED_REDIRECT_ORIGINS default', () => {
  it('includes the development return pages on the API in development and test', () => {
    expect(parseConfig({}).redirects.allowedOrigins).toEqual([
      'http://localhost:3000',
      'http://localhost:8080',
      'http://127.0.0.1:8080',
    ]);
    expect(parseConfig({ NODE_ENV: 'test', PORT: '9123' }).redirects.allowedOrigins).toEqual([
      'http://localhost:3000',
      'http://localhost:9123',
      'http://127.0.0.1:9123',
    ]);
  });

  it('uses https for the API when it serves TLS itself', () => {
    const config = parseConfig({ TLS_CERT_FILE: '/certs/dev.pem', TLS_KEY_FILE: '/certs/dev-key.pem' });
    expect(config.redirects.allowedOrigins).toEqual([
      'http://localhost:3000',
      'https://localhost:8080',
      'https://127.0.0.1:8080',
    ]);
  });

  it('leaves the API out when PORT=0 (its port is not known yet) and in production', () => {
    expect(parseConfig({ PORT: '0' }).redirects.allowedOrigins).toEqual(['http://localhost:3000']);
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/billing',
      STRIPE_SECRET_KEY: 'sk_live_abc',
      REQUIRE_HTTPS_REDIRECTS: 'false',
    };
    expect(parseConfig(production).redirects.allowedOrigins).toEqual(['http://localhost:3000']);
  });

  it('is replaced, not extended, by a configured list', () => {
    expect(
      parseConfig({ ALLOWED_REDIRECT_ORIGINS: 'https://app.example.com' }).redirects.allowedOrigins,
    ).toEqual(['https://app.example.com']);
  });
});
