import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@app/core';
import { vectorLiteral } from '../memory/vector';

export interface StaleMemory {
  id: string;
  projectId: string;
  memory: string;
}

/**
 * Memories whose vector is not the given embedder's, across projects or in one (the admin CLI's
 * `reembed`). Ids are the keyset, so a run that stops continues where it left off.
 */
@Injectable()
export class ReembedRepository {
  constructor(private readonly prisma: PrismaService) {}

  async countStale(embedder: string, projectId?: string): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ count: bigint }[]>`
      SELECT count(*) AS count FROM memories
      WHERE embedder IS DISTINCT FROM ${embedder} ${inProject(projectId)}`;
    return Number(row.count);
  }

  staleAfter(embedder: string, afterId: string | null, limit: number, projectId?: string): Promise<StaleMemory[]> {
    return this.prisma.$queryRaw<StaleMemory[]>`
      SELECT id, project_id AS "projectId", memory FROM memories
      WHERE embedder IS DISTINCT FROM ${embedder} ${inProject(projectId)}
        ${afterId ? Prisma.sql`AND id > ${afterId}::uuid` : Prisma.empty}
      ORDER BY id LIMIT ${limit}`;
  }

  /**
   * One statement, so one transaction per batch. A memory whose text changed since it was read keeps
   * the newer writer's vector (and is picked up again if that one was stale too). Returns rows written.
   */
  write(embedder: string, rows: { memory: StaleMemory; vector: number[] }[]): Promise<number> {
    if (rows.length === 0) return Promise.resolve(0);
    const values = rows.map(
      ({ memory, vector }) =>
        Prisma.sql`(${memory.id}::uuid, ${memory.projectId}::uuid, ${memory.memory}, ${vectorLiteral(vector)}::vector)`,
    );
    return this.prisma.$executeRaw`
      UPDATE memories m SET embedder = ${embedder}, embedding = v.embedding, pending_embedding = NULL
      FROM (VALUES ${Prisma.join(values)}) AS v(id, project_id, memory, embedding)
      WHERE m.id = v.id AND m.project_id = v.project_id AND m.memory = v.memory`;
  }
}

const inProject = (projectId?: string) => (projectId ? Prisma.sql`AND project_id = ${projectId}::uuid` : Prisma.empty);
