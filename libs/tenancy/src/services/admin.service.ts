import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, isUuid, Organization, Project, Role, User } from '@app/core';
import { ApiKeyListItem } from '../repositories/api-keys.repository';
import { OrganizationsRepository } from '../repositories/organizations.repository';
import { ProjectsRepository } from '../repositories/projects.repository';
import { ApiKeysService } from './api-keys.service';
import { UsersService } from './users.service';

/** Operator actions of the admin CLI: no caller, so no membership checks (only existence). */
@Injectable()
export class AdminService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly projects: ProjectsRepository,
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  listOrganizations(): Promise<Organization[]> {
    return this.organizations.listAll();
  }

  async createOrganization(name: string, ownerEmail: string): Promise<{ org: Organization; project: Project }> {
    const owner = await this.users.require(ownerEmail);
    return this.organizations.createWithOwner({ name, isDefault: false, projectName: 'default-project' }, owner.id);
  }

  async listProjects(orgId?: string): Promise<Project[]> {
    if (orgId) {
      await this.requireOrg(orgId);
    }
    return this.projects.listAll(orgId);
  }

  async createProject(orgId: string, name: string, ownerEmail: string): Promise<Project> {
    await this.requireOrg(orgId);
    const owner = await this.users.require(ownerEmail);
    if (!(await this.organizations.roleOf(orgId, owner.id))) {
      await this.organizations.upsertMember(orgId, owner.id, Role.READER);
    }
    return this.projects.create(orgId, { name }, owner.id);
  }

  listUsers(): Promise<User[]> {
    return this.users.list();
  }

  createUser(email: string, username?: string): Promise<User> {
    return this.users.create(email, username);
  }

  /** Makes the user a member of the project (and of its org, as READER unless already more). */
  async addToProject(email: string, projectId: string, role: Role): Promise<void> {
    const user = await this.users.require(email);
    const project = await this.requireProject(projectId);
    if (!(await this.organizations.roleOf(project.orgId, user.id))) {
      await this.organizations.upsertMember(project.orgId, user.id, Role.READER);
    }
    if ((await this.projects.upsertMember(project.id, user.id, role)) === 'last_owner') {
      throw AppError.message(ErrorCode.BadRequest, `${email} is the project's last owner.`);
    }
  }

  async issueKey(
    email: string,
    projectId: string | undefined,
    name: string,
  ): Promise<{ key: string; project: Project }> {
    const user = await this.users.require(email);
    const projects = projectId ? [await this.requireProject(projectId)] : await this.projects.listForMember(user.id);
    const project = projects[0];
    if (!project) {
      throw AppError.message(ErrorCode.BadRequest, `${email} is not a member of any project: pass --project.`);
    }
    const access = await this.projects.findAccess(project.orgId, project.id, user.id);
    if (!access?.role) {
      throw AppError.message(ErrorCode.BadRequest, `${email} is not a member of project ${project.id}.`);
    }
    const { key } = await this.apiKeys.issue({ userId: user.id, projectId: project.id, name });
    return { key, project };
  }

  async listKeys(filter: { email?: string; projectId?: string }): Promise<ApiKeyListItem[]> {
    const keys = await this.apiKeys.list(filter.projectId ? { projectId: filter.projectId } : {});
    return filter.email ? keys.filter((key) => key.user.email === filter.email?.toLowerCase()) : keys;
  }

  revokeKey(idOrPrefix: string): Promise<void> {
    return this.apiKeys.revoke(idOrPrefix);
  }

  private async requireOrg(orgId: string): Promise<void> {
    if (!isUuid(orgId) || !(await this.organizations.findWithMembers(orgId))) {
      throw AppError.message(ErrorCode.NotFound, `No organization ${orgId}.`);
    }
  }

  private async requireProject(projectId: string): Promise<Project> {
    const project = isUuid(projectId) ? await this.projects.findById(projectId) : null;
    if (!project) {
      throw AppError.message(ErrorCode.NotFound, `No project ${projectId}.`);
    }
    return project;
  }
}
