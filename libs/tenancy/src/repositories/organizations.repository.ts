import { Injectable } from '@nestjs/common';
import { Organization, Prisma, PrismaService, Project, Role } from '@app/core';

export type MemberChange = 'ok' | 'not_found' | 'last_owner';

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

  /** Adds the member or changes their role; refuses to demote the org's last owner. */
  upsertMember(orgId: string, userId: string, role: Role): Promise<MemberChange> {
    return this.withOrgLock(orgId, async (tx) => {
      if (await leavesNoOwner(tx, { orgId, userId }, role)) {
        return 'last_owner';
      }
      await tx.orgMember.upsert({
        where: { orgId_userId: { orgId, userId } },
        create: { orgId, userId, role },
        update: { role },
      });
      return 'ok';
    });
  }

  async upsertInvitation(orgId: string, email: string, role: Role): Promise<void> {
    await this.prisma.orgInvitation.upsert({
      where: { orgId_email: { orgId, email } },
      create: { orgId, email, role },
      update: { role },
    });
  }

  /** Changes a member's (or a pending invitation's) role; refuses to demote the last owner. */
  updateRole(orgId: string, email: string, role: Role): Promise<MemberChange> {
    return this.withOrgLock(orgId, async (tx) => {
      const user = await tx.user.findUnique({ where: { email } });
      if (user && (await leavesNoOwner(tx, { orgId, userId: user.id }, role))) {
        return 'last_owner';
      }
      const members = user
        ? await tx.orgMember.updateMany({ where: { orgId, userId: user.id }, data: { role } })
        : null;
      const invitations = await tx.orgInvitation.updateMany({ where: { orgId, email }, data: { role } });
      return (members?.count ?? 0) + invitations.count > 0 ? 'ok' : 'not_found';
    });
  }

  /** Removes the member (with their memberships of the org's projects) or the pending invitation. */
  removeMember(orgId: string, email: string): Promise<MemberChange> {
    return this.withOrgLock(orgId, async (tx) => {
      const user = await tx.user.findUnique({ where: { email } });
      let removed = 0;
      if (user) {
        if (await leavesNoOwner(tx, { orgId, userId: user.id }, null)) {
          return 'last_owner';
        }
        await tx.projectMember.deleteMany({ where: { userId: user.id, project: { orgId } } });
        removed += (await tx.orgMember.deleteMany({ where: { orgId, userId: user.id } })).count;
      }
      removed += (await tx.orgInvitation.deleteMany({ where: { orgId, email } })).count;
      return removed > 0 ? 'ok' : 'not_found';
    });
  }

  /** Membership changes of one org run one at a time, so two can never remove the last two owners. */
  private withOrgLock<T>(orgId: string, fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM organizations WHERE id = ${orgId}::uuid FOR UPDATE`;
      return fn(tx);
    });
  }
}

/** True when giving the member `role` (null: removing them) would leave the org without an owner. */
async function leavesNoOwner(
  tx: Prisma.TransactionClient,
  member: { orgId: string; userId: string },
  role: Role | null,
): Promise<boolean> {
  const current = await tx.orgMember.findUnique({ where: { orgId_userId: member } });
  if (current?.role !== Role.OWNER || role === Role.OWNER) {
    return false;
  }
  return (await tx.orgMember.count({ where: { orgId: member.orgId, role: Role.OWNER } })) <= 1;
}
