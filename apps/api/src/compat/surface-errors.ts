import { HttpException, HttpStatus } from '@nestjs/common';
import { AppError } from '@app/core';
import { SchemaValidationError } from './request-schema';
import { ErrorStyle } from './surfaces';

export interface RenderedError {
  status: number;
  body: unknown;
}

/** The Memory System's error codes, by status. */
const ENVELOPE_CODES: Record<number, string> = {
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

/** The one sentence a platform-shaped error body carries (`{detail}`, `{error}`, `{message}`, field maps). */
function sentenceOf(body: unknown): string {
  if (typeof body === 'string') {
    return body;
  }
  if (Array.isArray(body)) {
    return body.map(sentenceOf).join(' ');
  }
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    for (const key of ['detail', 'error', 'message']) {
      if (typeof record[key] === 'string') {
        return record[key];
      }
    }
    const [key, value] = Object.entries(record)[0] ?? ['error', 'Request failed.'];
    return key === 'details' || key === 'non_field_errors' ? sentenceOf(value) : `${key}: ${sentenceOf(value)}`;
  }
  return String(body);
}

const isJsonParseError = (exception: unknown) =>
  exception instanceof Error && exception.message.startsWith('JSON parse error');

/** A route the router did not find (not a record the route did not find). */
const isUnknownRoute = (exception: unknown) =>
  exception instanceof HttpException && exception.getStatus() === HttpStatus.NOT_FOUND;

function fastApi(exception: unknown, rendered: RenderedError): RenderedError {
  if (exception instanceof SchemaValidationError) {
    return { status: HttpStatus.UNPROCESSABLE_ENTITY, body: { detail: exception.problems } };
  }
  if (isJsonParseError(exception)) {
    const problem = { type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {} };
    return { status: HttpStatus.UNPROCESSABLE_ENTITY, body: { detail: [problem] } };
  }
  if (isUnknownRoute(exception)) {
    return { status: rendered.status, body: { detail: 'Not Found' } };
  }
  const body = rendered.body as Record<string, unknown>;
  const extra = typeof body?.error_id === 'string' ? { error_id: body.error_id } : {};
  return { status: rendered.status, body: { detail: sentenceOf(rendered.body), ...extra } };
}

function envelope(exception: unknown, rendered: RenderedError): RenderedError {
  const timestamp = new Date().toISOString();
  const invalid = exception instanceof SchemaValidationError;
  const status = invalid || isJsonParseError(exception) ? HttpStatus.BAD_REQUEST : rendered.status;
  const code =
    status === HttpStatus.NOT_FOUND && exception instanceof AppError
      ? 'MEMORY_NOT_FOUND'
      : (ENVELOPE_CODES[status] ?? 'INTERNAL_ERROR');
  const message = invalid ? 'Request validation failed' : sentenceOf(rendered.body);
  const details = invalid ? exception.problems : null;
  return { status, body: { success: false, error: { code, message, details }, timestamp } };
}

/** Re-renders an error the platform way rendered, in the shape of the surface the request was for. */
export function renderForSurface(style: ErrorStyle, exception: unknown, rendered: RenderedError): RenderedError {
  switch (style) {
    case 'platform':
      return rendered;
    case 'fastapi':
      return fastApi(exception, rendered);
    case 'envelope':
      return envelope(exception, rendered);
  }
}
