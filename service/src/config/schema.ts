// The one schema of the configuration: every environment variable of every concern file, in the order the
// docs list them. load-config.ts parses the environment against it; config-docs.ts renders it.
import { z } from 'zod';
import { authVariables } from './auth.js';
import { checkoutVariables } from './checkout.js';
import { databaseVariables } from './database.js';
import { developmentVariables } from './development.js';
import { entitlementVariables } from './entitlements.js';
import { httpVariables } from './http.js';
import { nodeEnvVariables } from './node-env.js';
import { observabilityVariables } from './observability.js';
import { outgoingWebhookVariables } from './outgoing-webhooks.js';
import { stripeBudgetVariables } from './stripe-budget.js';
import { stripeVariables } from './stripe.js';
import { webhookVariables } from './webhooks.js';

export type { VariableSpec } from './variable-spec.js';

export const variables = {
  ...nodeEnvVariables,
  ...httpVariables,
  ...observabilityVariables,
  ...databaseVariables,
  ...developmentVariables,
  ...stripeVariables,
  ...stripeBudgetVariables,
  ...webhookVariables,
  ...outgoingWebhookVariables,
  ...authVariables,
  ...checkoutVariables,
  ...entitlementVariables,
} as const;

export type VariableName = keyof typeof variables;

/** One zod object built from the specs, keeping each variable's type. */
export const environmentSchema = z.object(
  Object.fromEntries(Object.entries(variables).map(([name, spec]) => [name, spec.schema])) as {
    [Name in VariableName]: (typeof variables)[Name]['schema'];
  },
);

/** The parsed value of every variable, typed from its schema. */
export type Environment = z.output<typeof environmentSchema>;
