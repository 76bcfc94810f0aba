import { HttpException, HttpStatus, Type } from '@nestjs/common';
import { JsonParseError } from '../../http/json-body';
import { SchemaValidationError } from '../../http/request-schema';
import { detailBody, Failure, isUnder, RenderedError, Surface, SurfaceName } from '../surface';

/** A route the router did not find (not a record the route did not find). */
const isUnknownRoute = (exception: unknown) =>
  exception instanceof HttpException && exception.getStatus() === HttpStatus.NOT_FOUND;

/** FastAPI's errors, as the OSS REST server and the Memory Service answer them: `{detail}`, 422 for bad input. */
function fastApiError(exception: unknown, failure: Failure): RenderedError {
  if (exception instanceof SchemaValidationError) {
    return { status: HttpStatus.UNPROCESSABLE_ENTITY, body: { detail: exception.problems } };
  }
  if (exception instanceof JsonParseError) {
    const problem = { type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {} };
    return { status: HttpStatus.UNPROCESSABLE_ENTITY, body: { detail: [problem] } };
  }
  if (isUnknownRoute(exception)) {
    return { status: failure.status, body: { detail: 'Not Found' } };
  }
  return { status: failure.status, body: detailBody(failure) };
}

/**
 * A self-hosted FastAPI server: served under its prefix and at its own root paths (which no platform
 * path uses), with FastAPI's errors and pydantic's validation problems.
 */
export function fastApiSurface(name: SurfaceName, prefix: string, root: RegExp, controllers: Type[]): Surface {
  return {
    name,
    prefix,
    matches: (path) => isUnder(path, prefix) || root.test(path),
    authScheme: 'Bearer',
    validationErrors: 'problems',
    renderError: fastApiError,
    controllers,
  };
}
