// The only module that reads process.env. It parses the environment once, at start, against the schema in
// schema.ts and turns it into a typed Config, each concern file mapping its part; a bad value stops the
// process with a message naming it.
import path from 'node:path';
import dotenv from 'dotenv';
import { findAuthProblems, toAuthConfig, type AuthConfig } from './auth.js';
import { findCheckoutProblems, toCheckoutConfig, type CheckoutConfig } from './checkout.js';
import {
  findDatabasePasswords,
  findDatabaseProblems,
  toDatabaseConfig,
  type DatabaseConfig,
} from './database.js';
import { toDevelopmentConfig, type DevelopmentConfig } from './development.js';
import { toEntitlementsConfig, type EntitlementsConfig } from './entitlements.js';
import { findHttpProblems, toHttpConfig, type HttpConfig } from './http.js';
import type { NodeEnv } from './node-env.js';
import { toObservabilityConfig, type ObservabilityConfig } from './observability.js';
import { toOutgoingWebhooksConfig, type OutgoingWebhooksConfig } from './outgoing-webhooks.js';
import { repositoryRoot } from './repository-root.js';
import { environmentSchema, variables, type Environment, type VariableName } from './schema.js';
import { toStripeBudgetConfig, type StripeBudgetConfig } from './stripe-budget.js';
import { findStripeProblems, toStripeConfig, type StripeConfig } from './stripe.js';
import { toWebhooksConfig, type WebhooksConfig } from './webhooks.js';

export interface Config
  extends
    HttpConfig,
    ObservabilityConfig,
    DatabaseConfig,
    DevelopmentConfig,
    StripeConfig,
    StripeBudgetConfig,
    WebhooksConfig,
    OutgoingWebhooksConfig,
    AuthConfig,
    CheckoutConfig,
    EntitlementsConfig {
  nodeEnv: NodeEnv;
  /** Every secret value (and its encoded forms) to mask in logs and errors. */
  secrets: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type RawEnvironment = Record<string, string | undefined>;

/** Parses an environment (unset and empty values take the documented default). Throws ConfigError. */
export function parseConfig(rawEnvironment: RawEnvironment): Config {
  const input: Record<string, string | undefined> = {};
  for (const [name, spec] of Object.entries(variables)) {
    const value = rawEnvironment[name];
    input[name] = value === undefined || value.trim() === '' ? spec.default : value;
  }
  const result = environmentSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0]) as VariableName;
        const spec = variables[name];
        const received = spec.secret === true ? '' : ` (got "${input[name]}")`;
        return `${name}: ${issue.message}${received}`;
      }),
    );
  }
  const environment = result.data;
  checkCombinations(environment, rawEnvironment);
  return toConfig(environment);
}

function checkCombinations(environment: Environment, rawEnvironment: RawEnvironment): void {
  const problems = [
    ...findStripeProblems(environment),
    ...findAuthProblems(environment, rawEnvironment),
    ...findCheckoutProblems(environment),
    ...findDatabaseProblems(environment),
    ...findHttpProblems(environment),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
}

function toConfig(environment: Environment): Config {
  return {
    nodeEnv: environment.NODE_ENV,
    ...toHttpConfig(environment),
    ...toObservabilityConfig(environment),
    ...toDatabaseConfig(environment),
    ...toDevelopmentConfig(environment),
    ...toStripeConfig(environment),
    ...toStripeBudgetConfig(environment),
    ...toWebhooksConfig(environment),
    ...toOutgoingWebhooksConfig(environment),
    ...toAuthConfig(environment),
    ...toCheckoutConfig(environment),
    ...toEntitlementsConfig(environment),
    secrets: collectSecrets(environment),
  };
}

function collectSecrets(environment: Environment): string[] {
  const secrets = new Set<string>();
  for (const [name, spec] of Object.entries(variables)) {
    const value = environment[name as VariableName];
    if (spec.secret === true && typeof value === 'string') secrets.add(value);
    // A comma-separated secret (webhook secrets during a rotation) can leak one item at a time.
    if (spec.secret === true && Array.isArray(value)) for (const item of value) secrets.add(String(item));
  }
  for (const password of findDatabasePasswords(environment)) secrets.add(password);
  return [...secrets];
}

/**
 * Reads process.env, plus the repository's `.env` file in development (real variables win over the file).
 * Throws ConfigError.
 */
export function loadConfig(): Config {
  const nodeEnv = process.env.NODE_ENV;
  const fromFile: Record<string, string> = {};
  if (nodeEnv === undefined || nodeEnv === 'development') {
    dotenv.config({ path: path.join(repositoryRoot, '.env'), processEnv: fromFile, quiet: true });
  }
  return parseConfig({ ...fromFile, ...process.env });
}

/** For process entries: the config, or a message on stderr naming each bad variable and exit code 78. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee .env.example or the configuration table in README.md.\n`);
    // 78 is EX_CONFIG from sysexits.h: "configuration error".
    process.exit(78);
  }
}
