import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, isUuid, Prisma, Project, Role } from '@app/core';
import { ProjectMemberDto } from '../dto/member.dto';
import { CreateProjectDto, mapProject, toProjectUpdate, UpdateProjectDto } from '../dto/project.dto';
import { MemberChange, OrganizationsRepository } from '../repositories/organizations.repository';
import { ProjectAccess, ProjectsRepository } from '../repositories/projects.repository';
import { UsersRepository } from '../repositories/users.repository';
import { Actor } from './actor';
import { OrganizationsService } from './organizations.service';

const NOT_FOUND = 'Organization or project not found';
const CANNOT_MODIFY = 'Unauthorized to modify this project.';
const CANNOT_MANAGE_MEMBERS = 'Unauthorized to modify project members.';

@Injectable()
export class ProjectsService {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly orgMembers: OrganizationsRepository,
    private readonly projects: ProjectsRepository,
    private readonly users: UsersRepository,
  ) {}

  async list(actor: Actor, orgId: string) {
    const orgRole = await this.organizations.requireRole(actor, orgId);
    const projects = await this.projects.listVisible(orgId, actor.userId, orgRole === Role.OWNER);
    return projects.map((project) => {
      const member = project.members.find((row) => row.user.id === actor.userId);
      return mapProject(project, orgRole === Role.OWNER ? Role.OWNER : (member?.role ?? null));
    });
  }

  async create(actor: Actor, orgId: string, dto: CreateProjectDto) {
    await this.organizations.requireRole(
      actor,
      orgId,
      Role.OWNER,
      'Unauthorized to create projects in this organization.',
    );
    const project = await this.projects.create(orgId, dto, actor.userId).catch(rethrowDuplicateName);
    return { message: 'Project created successfully.', project_id: project.id };
  }

  async get(actor: Actor, orgId: string, projectId: string) {
    const access = await this.requireAccess(actor, orgId, projectId);
    return mapProject(access.project, access.role);
  }

  async update(actor: Actor, orgId: string, projectId: string, dto: UpdateProjectDto) {
    const { project } = await this.requireAccess(actor, orgId, projectId, CANNOT_MODIFY);
    const data = toProjectUpdate(dto);
    if (dto.enable_synthesis && project.synthesisEnabledAt) {
      // Turning synthesis on again keeps the boundary it was turned on at.
      delete data.synthesisEnabledAt;
    }
    if (Object.keys(data).length > 0) {
      await this.projects.update(projectId, data).catch(rethrowDuplicateName);
    }
    return { message: 'Project updated successfully' };
  }

  async delete(actor: Actor, orgId: string, projectId: string) {
    const access = await this.requireAccess(actor, orgId, projectId, CANNOT_MODIFY);
    if (access.project.isDefault) {
      throw AppError.message(ErrorCode.BadRequest, "The organization's default project cannot be deleted.");
    }
    await this.projects.delete(projectId);
    return { message: 'Project and related data deleted successfully.' };
  }

  async members(actor: Actor, orgId: string, projectId: string) {
    const project = await this.get(actor, orgId, projectId);
    return { members: project.members };
  }

  async addMember(actor: Actor, orgId: string, projectId: string, dto: ProjectMemberDto) {
    await this.requireAccess(actor, orgId, projectId, CANNOT_MANAGE_MEMBERS);
    const user = await this.users.findByEmail(dto.email);
    if (!user) {
      throw AppError.message(ErrorCode.NotFound, 'User not found.');
    }
    // The platform's clients have no call to add an org member first: joining a project joins its org as READER.
    if (!(await this.orgMembers.roleOf(orgId, user.id))) {
      checkChange(await this.orgMembers.upsertMember(orgId, user.id, Role.READER));
    }
    checkChange(await this.projects.upsertMember(projectId, user.id, dto.role ?? Role.READER));
    return { message: 'User added to the project successfully.' };
  }

  async updateMember(actor: Actor, orgId: string, projectId: string, dto: ProjectMemberDto) {
    const access = await this.requireAccess(actor, orgId, projectId, CANNOT_MANAGE_MEMBERS);
    const target = this.findMember(access, dto.email);
    checkChange(await this.projects.updateMemberRole(projectId, target.user.id, dto.role ?? Role.READER));
    return { message: 'User role updated successfully.' };
  }

  async removeMember(actor: Actor, orgId: string, projectId: string, email: string | undefined) {
    const access = await this.requireAccess(actor, orgId, projectId, CANNOT_MANAGE_MEMBERS);
    if (!email) {
      throw AppError.message(ErrorCode.BadRequest, 'email is required.');
    }
    const target = this.findMember(access, email);
    checkChange(await this.projects.removeMember(projectId, target.user.id));
    return { message: 'Member removed from the project' };
  }

  /** The project's settings, for internal use by the memory pipeline (callers are already scoped). */
  async settings(projectId: string): Promise<Project> {
    const project = await this.projects.findById(projectId);
    if (!project) {
      throw AppError.message(ErrorCode.NotFound, NOT_FOUND);
    }
    return project;
  }

  /** Stores the OSS REST server's `/configure` object for the project (already validated by the caller). */
  async setOssConfig(projectId: string, config: Record<string, unknown>): Promise<void> {
    await this.projects.update(projectId, { ossConfig: config as Prisma.InputJsonValue });
  }

  /** Who a keyless compat call acts as in the project; null when the project or its owner is gone. */
  anonymousActor(projectId: string) {
    return isUuid(projectId) ? this.projects.firstOwner(projectId) : Promise.resolve(null);
  }

  async exists(orgId: string, projectId: string): Promise<boolean> {
    return isUuid(projectId) && (await this.projects.findById(projectId))?.orgId === orgId;
  }

  /**
   * The project with the caller's role. Without access it answers 404 (existence never leaks);
   * with `refusal`, anything short of OWNER answers 403 with that message.
   */
  async requireAccess(actor: Actor, orgId: string, projectId: string, refusal?: string): Promise<ProjectAccess> {
    const access =
      isUuid(orgId) && isUuid(projectId) ? await this.projects.findAccess(orgId, projectId, actor.userId) : null;
    if (!access || !access.role) {
      throw AppError.message(ErrorCode.NotFound, NOT_FOUND);
    }
    if (refusal && access.role !== Role.OWNER) {
      throw AppError.message(ErrorCode.Forbidden, refusal);
    }
    return access;
  }

  private findMember(access: ProjectAccess, email: string) {
    const target = access.project.members.find((member) => member.user.email === email.toLowerCase());
    if (!target) {
      throw AppError.message(ErrorCode.NotFound, 'Member not found.');
    }
    return target;
  }
}

function checkChange(change: MemberChange): void {
  if (change === 'not_found') {
    throw AppError.message(ErrorCode.NotFound, 'Member not found.');
  }
  if (change === 'last_owner') {
    throw AppError.message(ErrorCode.BadRequest, 'A project must keep at least one owner.');
  }
}

function rethrowDuplicateName(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    throw AppError.message(ErrorCode.BadRequest, 'A project with this name already exists in the organization.');
  }
  throw error;
}
