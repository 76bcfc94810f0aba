import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, Project, Role } from '@app/core';
import { MemberChange, MemberRow } from './organizations.repository';

export type ProjectWithMembers = Project & { members: MemberRow[] };

export interface ProjectAccess {
  project: ProjectWithMembers;
  /** The user's role in the project (org owners own every project of the org); null: no access. */
  role: Role | null;
}

const WITH_MEMBERS = {
  members: { include: { user: { select: { id: true, email: true, username: true } } }, orderBy: { createdAt: 'asc' } },
} as const;

@Injectable()
export class ProjectsRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(projectId: string): Promise<Project | null> {
    return this.prisma.project.findUnique({ where: { id: projectId } });
  }

  findDefault(orgId: string): Promise<Project | null> {
    return this.prisma.project.findFirst({ where: { orgId, isDefault: true }, orderBy: { createdAt: 'asc' } });
  }

  /** The project, if it belongs to the org, with the user's effective role in it. */
  async findAccess(orgId: string, projectId: string, userId: string): Promise<ProjectAccess | null> {
    const project = await this.prisma.project.findFirst({
      where: { id: projectId, orgId },
      include: { ...WITH_MEMBERS, org: { select: { members: { where: { userId }, select: { role: true } } } } },
    });
    if (!project) {
      return null;
    }
    const { org, ...rest } = project;
    const orgOwner = org.members.some((member) => member.role === Role.OWNER);
    const projectRole = rest.members.find((member) => member.user.id === userId)?.role ?? null;
    return { project: rest, role: orgOwner ? Role.OWNER : projectRole };
  }

  /** The user compat calls without a key act as: the project's first owner, else the org's first owner. */
  async firstOwner(projectId: string): Promise<{ orgId: string; userId: string; email: string } | null> {
    const owner = { where: { role: Role.OWNER }, orderBy: { createdAt: 'asc' }, take: 1, include: { user: true } } as const;
    const project = await this.prisma.project.findUnique({
      where: { id: projectId },
      include: { members: owner, org: { include: { members: owner } } },
    });
    const member = project?.members[0] ?? project?.org.members[0];
    return project && member ? { orgId: project.orgId, userId: member.userId, email: member.user.email } : null;
  }

  /** Projects of the org the user can see: all of them for org owners, else their memberships. */
  listVisible(orgId: string, userId: string, orgOwner: boolean): Promise<ProjectWithMembers[]> {
    return this.prisma.project.findMany({
      where: orgOwner ? { orgId } : { orgId, members: { some: { userId } } },
      include: WITH_MEMBERS,
      orderBy: { createdAt: 'asc' },
    });
  }

  listForMember(userId: string): Promise<Project[]> {
    return this.prisma.project.findMany({ where: { members: { some: { userId } } }, orderBy: { createdAt: 'asc' } });
  }

  listAll(orgId?: string): Promise<Project[]> {
    return this.prisma.project.findMany({ where: orgId ? { orgId } : {}, orderBy: { createdAt: 'asc' } });
  }

  create(orgId: string, input: { name: string; description?: string | null }, ownerId: string): Promise<Project> {
    return this.prisma.$transaction(async (tx) => {
      const project = await tx.project.create({
        data: { orgId, name: input.name, description: input.description ?? null },
      });
      await tx.projectMember.create({ data: { projectId: project.id, userId: ownerId, role: Role.OWNER } });
      return project;
    });
  }

  async update(projectId: string, data: Prisma.ProjectUpdateInput): Promise<void> {
    await this.prisma.project.update({ where: { id: projectId }, data });
  }

  /** Deletes the project; every tenant table cascades from projects(id). */
  async delete(projectId: string): Promise<void> {
    await this.prisma.project.delete({ where: { id: projectId } });
  }

  /** Adds the member or changes their role; refuses to demote the project's last owner. */
  upsertMember(projectId: string, userId: string, role: Role): Promise<MemberChange> {
    return this.withProjectLock(projectId, async (tx) => {
      if (await leavesNoOwner(tx, { projectId, userId }, role)) {
        return 'last_owner';
      }
      await tx.projectMember.upsert({
        where: { projectId_userId: { projectId, userId } },
        create: { projectId, userId, role },
        update: { role },
      });
      return 'ok';
    });
  }

  updateMemberRole(projectId: string, userId: string, role: Role): Promise<MemberChange> {
    return this.withProjectLock(projectId, async (tx) => {
      if (await leavesNoOwner(tx, { projectId, userId }, role)) {
        return 'last_owner';
      }
      const result = await tx.projectMember.updateMany({ where: { projectId, userId }, data: { role } });
      return result.count > 0 ? 'ok' : 'not_found';
    });
  }

  removeMember(projectId: string, userId: string): Promise<MemberChange> {
    return this.withProjectLock(projectId, async (tx) => {
      if (await leavesNoOwner(tx, { projectId, userId }, null)) {
        return 'last_owner';
      }
      const result = await tx.projectMember.deleteMany({ where: { projectId, userId } });
      return result.count > 0 ? 'ok' : 'not_found';
    });
  }

  /** Membership changes of one project run one at a time (see leavesNoOwner). */
  private withProjectLock<T>(projectId: string, fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM projects WHERE id = ${projectId}::uuid FOR UPDATE`;
      return fn(tx);
    });
  }
}

/** True when giving the member `role` (null: removing them) would leave the project without an owner. */
async function leavesNoOwner(
  tx: Prisma.TransactionClient,
  member: { projectId: string; userId: string },
  role: Role | null,
): Promise<boolean> {
  const current = await tx.projectMember.findUnique({ where: { projectId_userId: member } });
  if (current?.role !== Role.OWNER || role === Role.OWNER) {
    return false;
  }
  return (await tx.projectMember.count({ where: { projectId: member.projectId, role: Role.OWNER } })) <= 1;
}
