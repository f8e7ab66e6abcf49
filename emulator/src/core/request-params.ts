// The parameters of an API request (query string and form body together) and request path helpers.
import type { FastifyRequest } from 'fastify';
import type { Params } from './params.js';

/**
 * The parameters of a Stripe API request: the query string and the form body together, the body winning a name
 * both carry. The SDK sends GET and DELETE params in the query string (a DELETE also with an empty form body) and
 * POST params in the body, but Stripe reads both on every method.
 */
export function requestParams(request: FastifyRequest): Params {
  const body = request.body;
  const query = request.query as Params | undefined;
  const hasBody = body !== null && typeof body === 'object' && !Array.isArray(body);
  if (!hasBody) return query ?? {};
  if (!query || !request.url.includes('?')) return body as Params;
  return { ...query, ...(body as Params) };
}

/** Stripe API routes; the control API and the hosted pages live outside `/v1/`. */
export function isApiRequest(request: FastifyRequest): boolean {
  return request.url.startsWith('/v1/');
}

/** The request's path without its query string. */
export function pathOf(request: FastifyRequest): string {
  const query = request.url.indexOf('?');
  return query < 0 ? request.url : request.url.slice(0, query);
}
