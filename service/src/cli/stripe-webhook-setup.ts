// npm run billing -- stripe setup-webhook --url URL [--fix]: registers our webhook endpoint at Stripe with the
// events we handle, pinned to our API version, and prints its signing secret; an existing endpoint for the URL
// is checked instead (enabled, every handled event, our API version) and, with --fix, enabled and completed.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { STRIPE_API_VERSION } from '../stripe/gateway.js';
import type { StripeWebhookEndpoint } from '../stripe/stripe-objects.js';
import { HANDLED_EVENT_TYPES } from '../webhooks/handlers/handler-registry.js';
import type { CliContext } from './cli-context.js';

const usage = 'usage: stripe setup-webhook --url https://…/webhooks/stripe [--fix]';

async function findEndpoint(context: CliContext, url: string): Promise<StripeWebhookEndpoint | undefined> {
  let startingAfter: string | undefined;
  for (;;) {
    const page = await context.dependencies.stripe.listWebhookEndpoints(
      startingAfter === undefined ? {} : { startingAfter },
    );
    const found = page.data.find((endpoint) => endpoint.url === url);
    if (found !== undefined || !page.has_more) return found;
    startingAfter = page.data.at(-1)?.id;
  }
}

/** What is wrong with an existing endpoint, in words; empty when it is set up as we need. */
export function endpointProblems(endpoint: StripeWebhookEndpoint): string[] {
  const problems: string[] = [];
  if (endpoint.status !== 'enabled') problems.push(`it is ${endpoint.status}`);
  const enabled = new Set(endpoint.enabled_events);
  const missing = enabled.has('*') ? [] : HANDLED_EVENT_TYPES.filter((type) => !enabled.has(type));
  if (missing.length > 0) problems.push(`it does not send ${missing.join(', ')}`);
  if (endpoint.api_version !== STRIPE_API_VERSION) {
    problems.push(
      `it is pinned to API version ${endpoint.api_version ?? "the account's default"}, ours is ${STRIPE_API_VERSION} ` +
        '(an endpoint cannot change version: create a new one for the URL and delete this one)',
    );
  }
  return problems;
}

export async function run(args: string[], context: CliContext): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { url: { type: 'string' }, fix: { type: 'boolean' } },
  });
  if (action !== 'setup-webhook' || values.url === undefined || !URL.canParse(values.url)) {
    context.print(usage);
    return 2;
  }
  const url = values.url;
  const events = [...HANDLED_EVENT_TYPES].sort();
  const existing = await findEndpoint(context, url);
  if (existing === undefined) {
    const created = await context.dependencies.stripe.createWebhookEndpoint(
      {
        url,
        enabled_events: events,
        api_version: STRIPE_API_VERSION,
        description: 'billing-service',
      },
      `setup-webhook-${randomUUID()}`,
    );
    context.print(
      `created webhook endpoint ${created.id} for ${url}: ${events.length} events, API version ${STRIPE_API_VERSION}`,
    );
    context.print(`signing secret (shown once, put it in STRIPE_WEBHOOK_SECRET): ${created.secret ?? ''}`);
    return 0;
  }
  const problems = endpointProblems(existing);
  if (problems.length === 0) {
    context.print(
      `webhook endpoint ${existing.id} for ${url} is enabled, sends the ${events.length} events we handle and uses API version ${STRIPE_API_VERSION}`,
    );
    return 0;
  }
  context.print(`webhook endpoint ${existing.id} for ${url} needs attention:`);
  for (const problem of problems) context.print(`  - ${problem}`);
  const fixable = existing.api_version === STRIPE_API_VERSION;
  if (values.fix !== true || !fixable) {
    if (fixable) context.print('run again with --fix to enable it and add the missing events');
    return 1;
  }
  const enabled = existing.enabled_events.includes('*')
    ? ['*']
    : [...new Set([...existing.enabled_events, ...events])];
  const fixed = await context.dependencies.stripe.updateWebhookEndpoint(existing.id, {
    enabled_events: enabled,
    disabled: false,
  });
  context.print(`fixed webhook endpoint ${fixed.id}: ${fixed.status}, ${fixed.enabled_events.length} events`);
  return endpointProblems(fixed).length === 0 ? 0 : 1;
}
