import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AuthContext, AuthService, extractApiKey } from '@app/auth';
import { AppConfig, AppError, ErrorCode, PERMISSION_DENIED, Role } from '@app/core';
import { API_KEY_STRATEGY } from './api-key.strategy';
import {
  ACCESS,
  accessOf,
  ALLOW_ANONYMOUS,
  IGNORE_TENANT_PARAMS,
  PUBLIC_ROUTE,
  RouteAccess,
  routeMetadata,
} from './decorators';

interface TenantRequest {
  method: string;
  user: AuthContext;
  headers: Record<string, string | string[] | undefined>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/**
 * Global guard: every route but @Public() ones needs a valid key; old clients' org_id/project_id may
 * select another project of the key's user; then the route's access decides whether a READER passes.
 */
@Injectable()
export class ApiKeyGuard extends AuthGuard(API_KEY_STRATEGY) {
  constructor(
    private readonly auth: AuthService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (routeMetadata<boolean>(context, PUBLIC_ROUTE)) {
      return true;
    }
    const request = context.switchToHttp().getRequest<TenantRequest>();
    const anonymousProject = this.anonymousProject(context, request);
    if (anonymousProject) {
      request.user = await this.auth.anonymous(anonymousProject);
    } else {
      await super.canActivate(context);
    }
    // A keyless request stays in the configured project: its org_id/project_id select nothing.
    if (!anonymousProject && !routeMetadata<boolean>(context, IGNORE_TENANT_PARAMS)) {
      const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
      const orgId = request.query?.org_id ?? body.org_id;
      const projectId = request.query?.project_id ?? body.project_id;
      request.user = await this.auth.selectProject(request.user, orgId, projectId);
    }
    const access = accessOf(request.method, routeMetadata<RouteAccess>(context, ACCESS));
    if ((access === 'write' || access === 'owner') && request.user.role !== Role.OWNER) {
      throw AppError.detail(ErrorCode.Forbidden, PERMISSION_DENIED);
    }
    return true;
  }

  /** The default project a keyless request runs in, when its route and the configuration allow it. */
  private anonymousProject(context: ExecutionContext, request: TenantRequest): string | null {
    const { COMPAT_ANONYMOUS_ACCESS, COMPAT_DEFAULT_PROJECT_ID } = this.config.env;
    const allowed = COMPAT_ANONYMOUS_ACCESS && COMPAT_DEFAULT_PROJECT_ID && routeMetadata(context, ALLOW_ANONYMOUS);
    return allowed && extractApiKey(request.headers) === null ? COMPAT_DEFAULT_PROJECT_ID! : null;
  }

  handleRequest<TUser = AuthContext>(error: unknown, user: TUser): TUser {
    if (error) {
      throw error;
    }
    return user;
  }
}
