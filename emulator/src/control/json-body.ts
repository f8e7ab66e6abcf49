// The JSON object body of a control API request (an empty body reads as {}).
import type { FastifyRequest } from 'fastify';
import { invalidRequest } from '../core/errors.js';

export function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw invalidRequest('Send a JSON object as the body.');
  return body as Record<string, unknown>;
}
