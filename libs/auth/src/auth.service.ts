import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, isUuid, PERMISSION_DENIED, Role } from '@app/core';
import { ApiKeysService, ProjectsService } from '@app/tenancy';
import { AuthContext } from './auth-context';

export const CREDENTIALS_MISSING = 'Authentication credentials were not provided.';
export const INVALID_API_KEY = 'Invalid API key. You can find your API key on https://app.mem0.ai/dashboard/api-keys.';

@Injectable()
export class AuthService {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly projects: ProjectsService,
  ) {}

  async authenticate(key: string | null): Promise<AuthContext> {
    if (!key) {
      throw AppError.detail(ErrorCode.Unauthenticated, CREDENTIALS_MISSING);
    }
    const identity = key.length <= 512 ? await this.apiKeys.identify(key) : null;
    if (!identity || !identity.role) {
      throw AppError.detail(ErrorCode.Unauthenticated, INVALID_API_KEY);
    }
    return {
      keyId: identity.keyId,
      userId: identity.userId,
      userEmail: identity.userEmail,
      orgId: identity.orgId,
      projectId: identity.projectId,
      role: identity.role,
    };
  }

  /**
   * A keyless request on a surface whose server has no auth, when COMPAT_ANONYMOUS_ACCESS allows it:
   * the configured project, as its owner (the self-hosted servers had no roles at all).
   */
  async anonymous(projectId: string): Promise<AuthContext> {
    const actor = await this.projects.anonymousActor(projectId);
    if (!actor) {
      throw AppError.detail(ErrorCode.Unauthenticated, CREDENTIALS_MISSING);
    }
    return {
      keyId: `anonymous:${projectId}`,
      userId: actor.userId,
      userEmail: actor.email,
      orgId: actor.orgId,
      projectId,
      role: Role.OWNER,
    };
  }

  /**
   * Contract 2.3: old clients send `org_id` + `project_id`; they select another project only when
   * the key's user is a member of it (403 otherwise, 404 for unknown ids). One of the two alone,
   * or empty values, leave the key's default project in force.
   */
  async selectProject(context: AuthContext, orgId: unknown, projectId: unknown): Promise<AuthContext> {
    if (!orgId || !projectId || typeof orgId !== 'string' || typeof projectId !== 'string') {
      return context;
    }
    if (orgId === context.orgId && projectId === context.projectId) {
      return context;
    }
    if (!isUuid(orgId) || !isUuid(projectId)) {
      throw AppError.detail(ErrorCode.NotFound, 'Not found.');
    }
    const access = await this.projects
      .requireAccess({ userId: context.userId }, orgId, projectId)
      .catch((error: unknown) => {
        if (error instanceof AppError && error.code === ErrorCode.NotFound) {
          return null;
        }
        throw error;
      });
    if (!access) {
      const exists = await this.projects.exists(orgId, projectId);
      throw exists
        ? AppError.detail(ErrorCode.Forbidden, PERMISSION_DENIED)
        : AppError.detail(ErrorCode.NotFound, 'Not found.');
    }
    return { ...context, orgId, projectId, role: access.role ?? Role.READER };
  }
}
