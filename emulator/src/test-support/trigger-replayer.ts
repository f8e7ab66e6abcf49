// Replays a `stripe trigger` recipe over HTTP against a Stripe API base the way the Stripe CLI sends it.
import {
  encodeFormFields,
  recipeFormFields,
  resolveReferences,
  type RecipeRequest,
  type RecipeResponses,
  type TriggerRecipe,
} from './trigger-recipe.js';

export interface ReplayOptions {
  /** Where the API lives, as `stripe trigger --api-base` takes it (`http://127.0.0.1:12111`). */
  apiBase: string;
  apiKey: string;
  /** `stripe trigger --api-version`; the CLI sends no `Stripe-Version` on /v1/ requests without it. */
  apiVersion?: string;
}

/** One request as sent and answered. */
export interface ReplayedRequest {
  name: string;
  method: string;
  path: string;
  status: number;
  /** The `Request-Id` the API answered with (events the request caused carry it in `request.id`). */
  requestId: string | null;
  /** Set when the request failed with the error type the recipe expected. */
  expectedError?: string;
}

/** A request failed in a way the recipe did not expect: `stripe trigger` stops and reports it. */
export class RecipeRequestError extends Error {
  constructor(
    readonly request: RecipeRequest,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(
      `${request.name}: ${request.method.toUpperCase()} ${request.path} answered ${status}: ${JSON.stringify(body)}`,
    );
    this.name = 'RecipeRequestError';
  }
}

/** The CLI's own headers (`pkg/stripe/client.go`, `pkg/useragent`). */
const CLI_VERSION = '1.30.0';
const USER_AGENT = `Stripe/v1 stripe-cli/${CLI_VERSION}`;
const CLIENT_USER_AGENT = JSON.stringify({
  name: 'stripe-cli',
  version: CLI_VERSION,
  publisher: 'stripe',
  os: process.platform,
  uname: `${process.platform} ${process.arch}`,
});

/**
 * Runs the recipe's requests in order, each seeing the responses of the earlier ones, and answers what was sent.
 * Like the CLI, a response of 300 or more fails the recipe unless its error `type` is the request's
 * `expected_error_type` (the request then stores no response, so references to it stay unresolved).
 */
export async function replayTriggerRecipe(
  recipe: TriggerRecipe,
  options: ReplayOptions,
): Promise<ReplayedRequest[]> {
  const responses: RecipeResponses = new Map();
  const replayed: ReplayedRequest[] = [];
  for (const request of recipe.fixtures) {
    replayed.push(await sendRecipeRequest(request, responses, options));
  }
  return replayed;
}

async function sendRecipeRequest(
  request: RecipeRequest,
  responses: RecipeResponses,
  options: ReplayOptions,
): Promise<ReplayedRequest> {
  const method = request.method.toUpperCase();
  const path = resolveReferences(request.path, responses);
  if (!path.startsWith('/v1/')) throw new Error(`${request.name}: not a Stripe API path: ${path}`);
  const form = encodeFormFields(recipeFormFields(request.params, responses));
  const url = new URL(path, options.apiBase);
  if (method !== 'POST' && form !== '') url.search = form;
  const headers: Record<string, string> = {
    Authorization: `Bearer ${options.apiKey}`,
    'Content-Type': 'application/x-www-form-urlencoded',
    'Accept-Encoding': 'identity',
    'User-Agent': USER_AGENT,
    'X-Stripe-Client-User-Agent': CLIENT_USER_AGENT,
  };
  if (options.apiVersion) headers['Stripe-Version'] = options.apiVersion;
  if (request.idempotency_key)
    headers['Idempotency-Key'] = resolveReferences(request.idempotency_key, responses);
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    headers[name] = resolveReferences(value, responses);
  }
  const response = await fetch(url, { method, headers, ...(method === 'POST' ? { body: form } : {}) });
  const text = await response.text();
  const body: unknown = text === '' ? null : JSON.parse(text);
  const sent = {
    name: request.name,
    method,
    path,
    status: response.status,
    requestId: response.headers.get('request-id'),
  };
  if (response.status < 300) {
    responses.set(request.name, body);
    return sent;
  }
  const errorType = (body as { error?: { type?: string } } | null)?.error?.type;
  if (request.expected_error_type && errorType === request.expected_error_type) {
    responses.set(request.name, null);
    return { ...sent, expectedError: errorType };
  }
  throw new RecipeRequestError(request, response.status, body);
}
