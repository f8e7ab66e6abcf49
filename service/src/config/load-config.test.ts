// Parsing the environment: defaults, typed values, messages naming each bad variable, combinations refused.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './load-config.js';

function problemsOf(environment: Record<string, string>): string[] {
  try {
    parseConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('uses the documented defaults when the environment is empty', () => {
    const config = parseConfig({});
    expect(config.nodeEnv).toBe('development');
    expect(config.http.port).toBe(8080);
    expect(config.metrics.port).toBe(9464);
    expect(config.database.url).toBeUndefined();
    expect(config.database.migrateOnStart).toBe(true);
    expect(config.log).toEqual({ level: 'info', pretty: true });
    expect(config.http.corsAllowedOrigins).toEqual([]);
  });

  it('treats an empty value as unset', () => {
    const config = parseConfig({ PORT: '', DATABASE_URL: '  ' });
    expect(config.http.port).toBe(8080);
    expect(config.database.url).toBeUndefined();
  });

  it('parses typed values from their text form', () => {
    const config = parseConfig({
      PORT: '3000',
      MIGRATE_ON_START: 'false',
      CORS_ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:5173',
      DATABASE_URL: 'postgres://billing:pw@db.internal:5432/billing',
    });
    expect(config.http.port).toBe(3000);
    expect(config.database.migrateOnStart).toBe(false);
    expect(config.http.corsAllowedOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(config.database.url).toBe('postgres://billing:pw@db.internal:5432/billing');
  });

  it('names PORT and what is wrong when PORT is not a number', () => {
    expect(problemsOf({ PORT: 'abc' })).toEqual(['PORT: must be a whole number (got "abc")']);
  });

  it('names PORT when it is out of range', () => {
    expect(problemsOf({ PORT: '70000' })).toEqual(['PORT: must be at most 65535 (got "70000")']);
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf({ PORT: 'abc', LOG_LEVEL: 'loud', MIGRATE_ON_START: 'maybe' });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'PORT',
      'LOG_LEVEL',
      'MIGRATE_ON_START',
    ]);
  });

  it('never echoes a secret value in a configuration error', () => {
    const error = (() => {
      try {
        return parseConfig({ DATABASE_URL: 'mysql://admin:hunter2-secret@db/billing' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(
      'DATABASE_URL: must be a postgres:// or postgresql:// URL',
    );
    expect((error as ConfigError).message).not.toContain('hunter2-secret');
  });

  it('rejects a CORS entry that is not a bare origin', () => {
    expect(problemsOf({ CORS_ALLOWED_ORIGINS: 'https://app.example.com/path' })[0]).toMatch(
      /^CORS_ALLOWED_ORIGINS: "https:\/\/app.example.com\/path" is not an origin/,
    );
  });

  it('requires DATABASE_URL in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toContain(
      'DATABASE_URL: is required when NODE_ENV=production (the embedded database is for development)',
    );
  });

  it('refuses a connection timeout that would cut idle keep-alive connections', () => {
    const problems = problemsOf({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000', HTTP_CONNECTION_TIMEOUT_MS: '5000' });
    expect(problems[0]).toMatch(
      /^HTTP_CONNECTION_TIMEOUT_MS: must be greater than HTTP_KEEP_ALIVE_TIMEOUT_MS/,
    );
  });

  it('collects the database URL and its password, raw and decoded, as secrets to mask', () => {
    const config = parseConfig({ DATABASE_URL: 'postgres://billing:p%40ss-word@db:5432/billing' });
    expect(config.secrets).toEqual(
      expect.arrayContaining(['postgres://billing:p%40ss-word@db:5432/billing', 'p%40ss-word', 'p@ss-word']),
    );
  });

  it('writes pretty logs only in development', () => {
    expect(parseConfig({ NODE_ENV: 'test' }).log.pretty).toBe(false);
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/billing',
      STRIPE_SECRET_KEY: 'sk_live_abc',
      ALLOWED_REDIRECT_ORIGINS: 'https://app.example.com',
    };
    expect(parseConfig(production).log.pretty).toBe(false);
  });
});
