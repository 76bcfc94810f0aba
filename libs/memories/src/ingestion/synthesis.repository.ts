import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@app/core';

type Tx = Prisma.TransactionClient;

/** Memories a synthesis run reads: a user's own (no agent, app or run id), extracted, still active. */
const userOnly = (projectId: string, since: Date) => ({
  projectId,
  agentId: null,
  appId: null,
  runId: null,
  lifecycleState: 'active',
  synthesized: false,
  createdAt: { gte: since },
});

export interface SourceMemory {
  id: string;
  memory: string;
  categories: string[];
}

export interface StoredPattern {
  id: string;
  sourceIds: string[];
}

@Injectable()
export class SynthesisRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** When the project turned synthesis on; null when it is off (or the project is gone). */
  async enabledSince(projectId: string): Promise<Date | null> {
    const project = await this.prisma.project.findUnique({
      where: { id: projectId },
      select: { synthesisEnabledAt: true },
    });
    return project?.synthesisEnabledAt ?? null;
  }

  async enabledProjects(): Promise<string[]> {
    const rows = await this.prisma.project.findMany({
      where: { synthesisEnabledAt: { not: null } },
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }

  /** Users with at least `min` eligible memories created since the boundary. */
  async eligibleUsers(projectId: string, since: Date, min: number): Promise<string[]> {
    const groups = await this.prisma.memory.groupBy({
      by: ['userId'],
      where: { ...userOnly(projectId, since), userId: { not: null } },
      _count: { _all: true },
      having: { userId: { _count: { gte: min } } },
    });
    return groups.flatMap((group) => (group.userId ? [group.userId] : []));
  }

  /** A user's eligible memories, oldest first, up to `limit` of the newest. */
  async sources(projectId: string, userId: string, since: Date, limit: number): Promise<SourceMemory[]> {
    const rows = await this.prisma.memory.findMany({
      where: { ...userOnly(projectId, since), userId },
      orderBy: { createdAt: 'desc' },
      take: limit,
      select: { id: true, memory: true, categories: true },
    });
    return rows.reverse();
  }

  /** The user's active pattern memories with the sources their ADD history entry names. */
  async patterns(projectId: string, userId: string, db: Tx | PrismaService = this.prisma): Promise<StoredPattern[]> {
    const rows = await db.memory.findMany({
      where: {
        projectId,
        userId,
        agentId: null,
        appId: null,
        runId: null,
        synthesized: true,
        lifecycleState: 'active',
      },
      select: { id: true },
    });
    const history = await db.memoryHistory.findMany({
      where: { projectId, memoryId: { in: rows.map((row) => row.id) }, event: 'ADD' },
      select: { memoryId: true, input: true },
    });
    return history.map((entry) => ({
      id: entry.memoryId,
      sourceIds: Array.isArray(entry.input)
        ? entry.input.flatMap((item) => {
            const id = (item as { memory_id?: unknown } | null)?.memory_id;
            return typeof id === 'string' ? [id] : [];
          })
        : [],
    }));
  }

  async markSynthesized(tx: Tx, projectId: string, ids: string[]): Promise<void> {
    await tx.memory.updateMany({ where: { projectId, id: { in: ids } }, data: { synthesized: true } });
  }
}
