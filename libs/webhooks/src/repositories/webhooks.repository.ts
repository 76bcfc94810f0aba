import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@app/core';

const WITH_OWNER = {
  project: { select: { name: true, orgId: true } },
  creator: { select: { username: true, email: true } },
} as const;

/** A webhook with what its wire object shows: the project's name and the creator. */
export type WebhookRow = Prisma.WebhookGetPayload<{ include: typeof WITH_OWNER }>;

export interface WebhookInput {
  name: string;
  url: string;
  eventTypes: string[];
  isActive: boolean;
  secret: string;
  createdBy: string;
}

export type WebhookChange = Partial<Pick<WebhookInput, 'name' | 'url' | 'eventTypes' | 'isActive'>>;

@Injectable()
export class WebhooksRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** By id alone: webhook routes carry no project, so the caller checks access to the row's project. */
  findById(id: string): Promise<WebhookRow | null> {
    return this.prisma.webhook.findUnique({ where: { id }, include: WITH_OWNER });
  }

  list(projectId: string): Promise<WebhookRow[]> {
    return this.prisma.webhook.findMany({ where: { projectId }, include: WITH_OWNER, orderBy: { createdAt: 'desc' } });
  }

  create(projectId: string, input: WebhookInput): Promise<WebhookRow> {
    return this.prisma.webhook.create({ data: { projectId, ...input }, include: WITH_OWNER });
  }

  /** Re-enabling a webhook clears the reason it was switched off. */
  async update(projectId: string, id: string, change: WebhookChange): Promise<void> {
    await this.prisma.webhook.updateMany({
      where: { projectId, id },
      data: { ...change, ...(change.isActive ? { disabledReason: null } : {}), updatedAt: new Date() },
    });
  }

  /** Its deliveries and their attempts go with it (ON DELETE CASCADE). */
  async delete(projectId: string, id: string): Promise<void> {
    await this.prisma.webhook.deleteMany({ where: { projectId, id } });
  }
}
