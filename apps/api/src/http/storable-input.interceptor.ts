import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { AppConfig, jsonNestsDeeperThan, jsonTooDeep, RequestValidationError, unstorableTextAt } from '@app/core';
import { surfaceOf } from '../surfaces';
import { SchemaValidationError } from './request-schema';

type Location = 'path' | 'query' | 'body';

interface InputProblem {
  location: Location;
  path: (string | number)[];
  kind: 'key' | 'text' | 'depth';
  input?: string;
}

const UNSTORABLE = 'must not contain NUL characters or unpaired surrogates';
const looksLikeJson = (text: string) => /^\s*[[{]/.test(text);

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function unstorableIn(location: Location, value: unknown, prefix: (string | number)[] = []): InputProblem | null {
  const found = unstorableTextAt(value);
  if (!found) {
    return null;
  }
  const path = [...prefix, ...found.path];
  // The walk names a refused key by the key itself: report it on the object holding it.
  const key = path.length > 0 && path[path.length - 1] === found.text;
  return { location, path: key ? path.slice(0, -1) : path, kind: key ? 'key' : 'text', input: found.text };
}

/**
 * Refuses, on every route of every surface, input Postgres cannot store (NUL, unpaired surrogates) in
 * path parameters, the query and the body, and JSON query values nested deeper than JSON_MAX_DEPTH
 * (bodies are capped by the JSON parser). Without it such text reaches the database and fails there as
 * a 500. The refusal takes the surface's validation shape, and on the platform the route's.
 */
@Injectable()
export class StorableInputInterceptor implements NestInterceptor {
  constructor(private readonly config: AppConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const problem =
      unstorableIn('path', request.params) ?? this.queryProblem(request.query) ?? unstorableIn('body', request.body);
    if (problem) {
      throw this.refusal(problem, surfaceOf(request.url).validationErrors === 'fields');
    }
    return next.handle();
  }

  /** Query values are strings, but some carry JSON (`filters`, `metadata`) whose escapes hide what it holds. */
  private queryProblem(query: unknown): InputProblem | null {
    const plain = unstorableIn('query', query);
    if (plain || !query || typeof query !== 'object') {
      return plain;
    }
    for (const [name, value] of Object.entries(query)) {
      for (const text of ([] as unknown[]).concat(value)) {
        if (typeof text !== 'string' || !looksLikeJson(text)) {
          continue;
        }
        if (jsonNestsDeeperThan(text, this.config.env.JSON_MAX_DEPTH)) {
          return { location: 'query', path: [name], kind: 'depth' };
        }
        const inner = unstorableIn('query', parsedOrUndefined(text), [name]);
        if (inner) {
          return inner;
        }
      }
    }
    return null;
  }

  private refusal(problem: InputProblem, fields: boolean): Error {
    const tooDeep = jsonTooDeep(this.config.env.JSON_MAX_DEPTH);
    if (fields) {
      const field = problem.path.length > 0 ? problem.path.join('.') : problem.location;
      const sentence =
        problem.kind === 'depth'
          ? `${field}: ${tooDeep}`
          : `${field}${problem.kind === 'key' ? ' keys' : ''} ${UNSTORABLE}`;
      return new RequestValidationError({ [field]: [sentence] });
    }
    // pydantic locates a refused dict key by the key and a `[key]` step.
    const loc = [problem.location, ...problem.path, ...(problem.kind === 'key' ? [problem.input!, '[key]'] : [])];
    const msg = problem.kind === 'depth' ? `Value error, ${tooDeep}` : `Value error, text ${UNSTORABLE}`;
    return new SchemaValidationError([{ type: 'value_error', loc, msg, input: problem.input }]);
  }
}
