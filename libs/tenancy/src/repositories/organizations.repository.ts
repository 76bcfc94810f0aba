import { Injectable } from '@nestjs/common';
import { Organization, PrismaService, Project, Role } from '@app/core';

export interface MemberRow {
  role: Role;
  user: { id: string; email: string; username: string };
}

export type OrganizationWithMembers = Organization & {
  members: MemberRow[];
  invitations: { email: string; role: Role; createdAt: Date }[];
};

const WITH_MEMBERS = {
  members: { include: { user: { select: { id: true, email: true, username: true } } }, orderBy: { createdAt: 'asc' } },
  invitations: { select: { email: true, role: true, createdAt: true }, orderBy: { createdAt: 'asc' } },
} as const;

@Injectable()
export class OrganizationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  count(): Promise<number> {
    return this.prisma.organization.count();
  }

  /** Creates an organisation owned by the user, with its default project (also owned by the user). */
  createWithOwner(
    input: { name: string; description?: string | null; isDefault: boolean; projectName: string },
    ownerId: string,
  ): Promise<{ org: Organization; project: Project }> {
    return this.prisma.$transaction(async (tx) => {
      const org = await tx.organization.create({
        data: { name: input.name, description: input.description ?? null, isDefault: input.isDefault },
      });
      await tx.orgMember.create({ data: { orgId: org.id, userId: ownerId, role: Role.OWNER } });
      const project = await tx.project.create({ data: { orgId: org.id, name: input.projectName, isDefault: true } });
      await tx.projectMember.create({ data: { projectId: project.id, userId: ownerId, role: Role.OWNER } });
      return { org, project };
    });
  }

  listForUser(userId: string): Promise<OrganizationWithMembers[]> {
    return this.prisma.organization.findMany({
      where: { members: { some: { userId } } },
      include: WITH_MEMBERS,
      orderBy: { createdAt: 'asc' },
    });
  }

  listAll(): Promise<OrganizationWithMembers[]> {
    return this.prisma.organization.findMany({ include: WITH_MEMBERS, orderBy: { createdAt: 'asc' } });
  }

  findWithMembers(orgId: string): Promise<OrganizationWithMembers | null> {
    return this.prisma.organization.findUnique({ where: { id: orgId }, include: WITH_MEMBERS });
  }

  findDefault(): Promise<Organization | null> {
    return this.prisma.organization.findFirst({ where: { isDefault: true }, orderBy: { createdAt: 'asc' } });
  }

  async roleOf(orgId: string, userId: string): Promise<Role | null> {
    const member = await this.prisma.orgMember.findUnique({ where: { orgId_userId: { orgId, userId } } });
    return member?.role ?? null;
  }

  async delete(orgId: string): Promise<void> {
    await this.prisma.organization.delete({ where: { id: orgId } });
  }

  countOwners(orgId: string): Promise<number> {
    return this.prisma.orgMember.count({ where: { orgId, role: Role.OWNER } });
  }

  async upsertMember(orgId: string, userId: string, role: Role): Promise<void> {
    await this.prisma.orgMember.upsert({
      where: { orgId_userId: { orgId, userId } },
      create: { orgId, userId, role },
      update: { role },
    });
  }

  async upsertInvitation(orgId: string, email: string, role: Role): Promise<void> {
    await this.prisma.orgInvitation.upsert({
      where: { orgId_email: { orgId, email } },
      create: { orgId, email, role },
      update: { role },
    });
  }

  /** Changes a member's (or a pending invitation's) role; returns false when neither exists. */
  async updateRole(orgId: string, email: string, role: Role): Promise<boolean> {
    const members = await this.prisma.orgMember.updateMany({ where: { orgId, user: { email } }, data: { role } });
    const invitations = await this.prisma.orgInvitation.updateMany({ where: { orgId, email }, data: { role } });
    return members.count + invitations.count > 0;
  }

  /** Removes the member (and their memberships of the org's projects) or the pending invitation. */
  removeMember(orgId: string, email: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const user = await tx.user.findUnique({ where: { email } });
      let removed = 0;
      if (user) {
        await tx.projectMember.deleteMany({ where: { userId: user.id, project: { orgId } } });
        removed += (await tx.orgMember.deleteMany({ where: { orgId, userId: user.id } })).count;
      }
      removed += (await tx.orgInvitation.deleteMany({ where: { orgId, email } })).count;
      return removed > 0;
    });
  }
}
