import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AuthContext, AuthService } from '@app/auth';
import { AppError, ErrorCode, PERMISSION_DENIED, Role } from '@app/core';
import { API_KEY_STRATEGY } from './api-key.strategy';
import { IGNORE_TENANT_PARAMS, PUBLIC_ROUTE, routeMetadata, WRITES } from './decorators';

interface TenantRequest {
  user: AuthContext;
  query?: Record<string, unknown>;
  body?: unknown;
}

/** Global guard: every route but @Public() ones needs a valid key; then applies contract 2.3. */
@Injectable()
export class ApiKeyGuard extends AuthGuard(API_KEY_STRATEGY) {
  constructor(private readonly auth: AuthService) {
    super();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (routeMetadata<boolean>(context, PUBLIC_ROUTE)) {
      return true;
    }
    await super.canActivate(context);
    const request = context.switchToHttp().getRequest<TenantRequest>();
    if (!routeMetadata<boolean>(context, IGNORE_TENANT_PARAMS)) {
      const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
      const orgId = request.query?.org_id ?? body.org_id;
      const projectId = request.query?.project_id ?? body.project_id;
      request.user = await this.auth.selectProject(request.user, orgId, projectId);
    }
    if (routeMetadata<boolean>(context, WRITES) && request.user.role !== Role.OWNER) {
      throw AppError.detail(ErrorCode.Forbidden, PERMISSION_DENIED);
    }
    return true;
  }

  handleRequest<TUser = AuthContext>(error: unknown, user: TUser): TUser {
    if (error) {
      throw error;
    }
    return user;
  }
}
