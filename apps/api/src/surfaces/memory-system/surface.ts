import { HttpStatus } from '@nestjs/common';
import { AppError } from '@app/core';
import { JsonParseError } from '../../http/json-body';
import { SchemaValidationError } from '../../http/request-schema';
import { Failure, header, isUnder, RenderedError, Surface } from '../surface';
import { MemorySystemOpsController } from './memory-system-ops.controller';
import { MemorySystemController } from './memory-system.controller';

const PREFIX = '/memory-system';

/** Its routes (no trailing slash) whose paths the platform also serves, by method. */
const ROOT_ROUTES: [string, RegExp][] = [
  ['POST', /^\/v1\/memories$/],
  ['GET', /^\/v1\/memories\/(search|user\/[^/]+|[^/]+)$/],
  ['PUT', /^\/v1\/memories\/[^/]+$/],
  ['DELETE', /^\/v1\/memories\/[^/]+$/],
  ['GET', /^\/(status|metrics)$/],
];

/** Its error codes, by status. */
const CODES: Record<number, string> = {
  [HttpStatus.BAD_REQUEST]: 'INVALID_REQUEST',
  [HttpStatus.UNPROCESSABLE_ENTITY]: 'INVALID_REQUEST',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'INVALID_REQUEST',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'INVALID_REQUEST',
  [HttpStatus.URI_TOO_LONG]: 'INVALID_REQUEST',
  [HttpStatus.UNAUTHORIZED]: 'UNAUTHORIZED',
  [HttpStatus.FORBIDDEN]: 'FORBIDDEN',
  [HttpStatus.NOT_FOUND]: 'NOT_FOUND',
  [HttpStatus.CONFLICT]: 'CONFLICT',
  [HttpStatus.TOO_MANY_REQUESTS]: 'RATE_LIMIT_EXCEEDED',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'SERVICE_UNAVAILABLE',
};

/** The envelope `{success: false, error: {code, message, details}, timestamp}`; bad input is a 400. */
function envelopeError(exception: unknown, failure: Failure): RenderedError {
  const timestamp = new Date().toISOString();
  const invalid = exception instanceof SchemaValidationError;
  const status = invalid || exception instanceof JsonParseError ? HttpStatus.BAD_REQUEST : failure.status;
  const code =
    status === HttpStatus.NOT_FOUND && exception instanceof AppError
      ? 'MEMORY_NOT_FOUND'
      : (CODES[status] ?? 'INTERNAL_ERROR');
  const message = invalid ? 'Request validation failed' : failure.message;
  const details = invalid ? exception.problems : null;
  return { status, body: { success: false, error: { code, message, details }, timestamp } };
}

/**
 * The Mem0 Memory System, under /memory-system; its paths that collide with the platform's are
 * reached with `Authorization: Bearer` (the platform's clients send `Token`).
 */
export const MEMORY_SYSTEM: Surface = {
  name: 'memory-system',
  prefix: PREFIX,
  matches: (path) => isUnder(path, PREFIX),
  claims: (request) => {
    if (!/^Bearer\s/i.test(header(request, 'authorization') ?? '')) {
      return false;
    }
    const path = (request.url ?? '/').split('?')[0];
    const method = request.method?.toUpperCase();
    return ROOT_ROUTES.some(([verb, pattern]) => verb === method && pattern.test(path));
  },
  authScheme: 'Bearer',
  validationErrors: 'problems',
  renderError: envelopeError,
  // Its own limits, one bucket per key for every route: per minute, and a burst cap per 10 s (first, so
  // the per-minute counter sets the reported headers).
  rateLimits: (config) => [
    {
      name: 'memory-system-burst',
      routeClass: 'memory-system',
      ttlMs: 10_000,
      limit: config.env.MEMORY_SYSTEM_RATE_LIMIT_BURST,
    },
    { name: 'memory-system', routeClass: 'memory-system', ttlMs: 60_000, limit: config.env.MEMORY_SYSTEM_RATE_LIMIT },
  ],
  controllers: [MemorySystemController, MemorySystemOpsController],
};
