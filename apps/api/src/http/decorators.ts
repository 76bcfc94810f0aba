import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import { RateLimitClass } from '@app/core';
import { AuthContext } from '@app/auth';

export const PUBLIC_ROUTE = 'mem0:public';
export const IGNORE_TENANT_PARAMS = 'mem0:ignore-tenant-params';
export const RATE_LIMIT_CLASS = 'mem0:rate-limit-class';
export const VALIDATION_SHAPE = 'mem0:validation-shape';
export const ACCESS = 'mem0:access';
export const READS_ONLY = 'mem0:reads-only';
export const MARKS_REPLAYS = 'mem0:marks-replays';

/** No API key needed (health, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * A route of a self-hosted server that had no auth: without credentials it runs in the configured
 * default project when COMPAT_ANONYMOUS_ACCESS is on (else the usual 401).
 */
export const ALLOW_ANONYMOUS = 'mem0:allow-anonymous';
export const AllowAnonymous = () => SetMetadata(ALLOW_ANONYMOUS, true);

/** Routes whose tenant comes from the path: `org_id`/`project_id` in query or body are not a tenant switch. */
export const IgnoreTenantParams = () => SetMetadata(IGNORE_TENANT_PARAMS, true);

/**
 * Who may call a route. `read`: any valid key. `write`: the key's project OWNER, the default of every
 * method but GET/HEAD, so a new mutating route refuses READER keys unless it says otherwise. `owner`:
 * the project OWNER even on a read. `service`: any valid key, because the role that matters is the
 * organization's or the path's project's, which the service checks.
 */
export type RouteAccess = 'read' | 'write' | 'owner' | 'service';
export const Access = (access: RouteAccess) => SetMetadata(ACCESS, access);

/** A POST that changes nothing (search, list, summary): READER keys may call it, an `Idempotency-Key` is ignored. */
export const ReadsOnly = () => applyDecorators(SetMetadata(ACCESS, 'read'), SetMetadata(READS_ONLY, true));

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A route's declared access, or its method's default. */
export function accessOf(method: string, declared: RouteAccess | undefined): RouteAccess {
  return declared ?? (READ_METHODS.has(method.toUpperCase()) ? 'read' : 'write');
}

/** An `Idempotency-Key` replay of this route also says so in its JSON body: `"replayed": true`. */
export const MarksReplays = () => SetMetadata(MARKS_REPLAYS, true);

/** Which rate-limit bucket a route draws from; `default` when absent. */
export const RateLimit = (kind: RateLimitClass) => SetMetadata(RATE_LIMIT_CLASS, kind);

/**
 * How a validation failure is rendered on this route:
 * `fields` `{"name": ["..."]}` (default), `errors` `{"errors": {...}}`, `message` / `error` / `detail` `{key: "first problem"}`,
 * `add` the add routes' `{"error": "400 Bad Request", "details": {...}}`.
 */
export type ValidationShape = 'fields' | 'errors' | 'message' | 'error' | 'detail' | 'add';
export const OnInvalid = (shape: ValidationShape) => SetMetadata(VALIDATION_SHAPE, shape);

/** The request's resolved tenant and identity. */
export const Auth = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthContext =>
    context.switchToHttp().getRequest<{ user: AuthContext }>().user,
);

/** Swagger: the route needs `Authorization: Token <key>`. */
export const ApiToken = () => ApiSecurity('token');

/** Swagger: the route takes `Authorization: Bearer <key>` (the Mem0 Memory System's scheme). */
export const ApiBearer = () => ApiSecurity('bearer');

export function routeMetadata<T>(context: ExecutionContext, key: string): T | undefined {
  return (Reflect.getMetadata(key, context.getHandler()) ?? Reflect.getMetadata(key, context.getClass())) as
    T | undefined;
}
