import { Injectable } from '@nestjs/common';
import { PrismaService, User } from '@app/core';

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  findByEmail(email: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { email: email.toLowerCase() } });
  }

  findById(id: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  list(): Promise<User[]> {
    return this.prisma.user.findMany({ orderBy: { createdAt: 'asc' } });
  }

  /** Creates the user and turns any pending org invitations for the e-mail into memberships. */
  create(email: string, username?: string): Promise<User> {
    const normalized = email.toLowerCase();
    return this.prisma.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email: normalized, username: username ?? normalized.split('@')[0] },
      });
      const invitations = await tx.orgInvitation.findMany({ where: { email: normalized } });
      if (invitations.length > 0) {
        await tx.orgMember.createMany({
          data: invitations.map((invitation) => ({ orgId: invitation.orgId, userId: user.id, role: invitation.role })),
          skipDuplicates: true,
        });
        await tx.orgInvitation.deleteMany({ where: { email: normalized } });
      }
      return user;
    });
  }
}
