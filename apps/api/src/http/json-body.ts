import { FastifyInstance } from 'fastify';
import { jsonNestsDeeperThan, jsonTooDeep } from '@app/core';

const badRequest = (message: string) => Object.assign(new Error(message), { statusCode: 400 });

/** A body that is not JSON: a 400, which the FastAPI surfaces answer as pydantic's `json_invalid`. */
export class JsonParseError extends Error {
  readonly statusCode = 400;

  constructor(cause: Error) {
    super(`JSON parse error - ${cause.message}`);
  }
}

/**
 * Clients send `Content-Type: application/json` even on bodiless GET/DELETE: an empty body is no body.
 * Nesting is capped before parsing: everything after the parser may recurse on the value.
 */
export function registerJsonParser(fastify: FastifyInstance, maxDepth: number): void {
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    if (jsonNestsDeeperThan(text, maxDepth)) {
      done(badRequest(`Request body: ${jsonTooDeep(maxDepth)}.`), undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(new JsonParseError(error as Error), undefined);
    }
  });
}
