import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@app/core';
import { SweepCursor } from '../events/events.repository';

export type ExportStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface ExportRow {
  id: string;
  projectId: string;
  schema: unknown;
  filters: unknown;
  instructions: string | null;
  status: string;
  result: unknown;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

export type ExportOutcome =
  { status: 'SUCCEEDED'; result: Record<string, unknown> } | { status: 'FAILED'; error: string };

/** Schema-shaped export jobs (`memory_exports`), always within one project. */
@Injectable()
export class ExportsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(projectId: string, schema: object, filters: object, instructions: string | null): Promise<ExportRow> {
    return this.prisma.memoryExport.create({
      data: {
        projectId,
        schema: schema as Prisma.InputJsonValue,
        filters: filters as Prisma.InputJsonValue,
        instructions,
      },
    });
  }

  find(projectId: string, id: string): Promise<ExportRow | null> {
    return this.prisma.memoryExport.findFirst({ where: { projectId, id } });
  }

  /** The project's latest exports (id and filters only), newest first, for matching by filters. */
  recent(projectId: string, limit: number): Promise<{ id: string; filters: unknown }[]> {
    return this.prisma.memoryExport.findMany({
      where: { projectId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true, filters: true },
      take: limit,
    });
  }

  /** PENDING (or a RUNNING one being retried) -> RUNNING; false when it already finished. */
  async markRunning(projectId: string, id: string): Promise<boolean> {
    const updated = await this.prisma.memoryExport.updateMany({
      where: { projectId, id, status: { in: ['PENDING', 'RUNNING'] } },
      data: { status: 'RUNNING', updatedAt: new Date() },
    });
    return updated.count > 0;
  }

  /** PENDING or RUNNING exports untouched since `before`, across projects, after `cursor` (the job sweeper's walk). */
  unfinished(before: Date, cursor: SweepCursor | null, limit: number): Promise<ExportRow[]> {
    return this.prisma.memoryExport.findMany({
      where: {
        status: { in: ['PENDING', 'RUNNING'] },
        updatedAt: { lt: before },
        ...(cursor
          ? { OR: [{ updatedAt: { gt: cursor.updatedAt } }, { updatedAt: cursor.updatedAt, id: { gt: cursor.id } }] }
          : {}),
      },
      orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
  }

  async finish(projectId: string, id: string, outcome: ExportOutcome): Promise<void> {
    const now = new Date();
    await this.prisma.memoryExport.updateMany({
      where: { projectId, id, status: { in: ['PENDING', 'RUNNING'] } },
      data: {
        status: outcome.status,
        result: outcome.status === 'SUCCEEDED' ? (outcome.result as Prisma.InputJsonValue) : Prisma.DbNull,
        error: outcome.status === 'FAILED' ? outcome.error : null,
        completedAt: now,
        updatedAt: now,
      },
    });
  }
}
