import { Injectable } from '@nestjs/common';
import { Entity, Prisma, PrismaService } from '@app/core';
import { EntityType } from '../memory/memory.types';

export interface EntityRow extends Entity {
  totalMemories: number;
}

const COLUMN: Record<EntityType, Prisma.Sql> = {
  user: Prisma.sql`user_id`,
  agent: Prisma.sql`agent_id`,
  app: Prisma.sql`app_id`,
  run: Prisma.sql`run_id`,
};

@Injectable()
export class EntitiesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Entities with memories, plus explicitly created ones, with memory counts. */
  async list(
    projectId: string,
    page: number,
    pageSize: number,
  ): Promise<{ rows: EntityRow[]; total: number; totals: Record<EntityType, number> }> {
    const rows = await this.prisma.$queryRaw<(Entity & { totalMemories: bigint; total: bigint })[]>`
      WITH counted AS (
        SELECT e.*, (
          SELECT count(*) FROM memories m
          WHERE m.project_id = e.project_id AND CASE e.type
            WHEN 'user' THEN m.user_id = e.name WHEN 'agent' THEN m.agent_id = e.name
            WHEN 'app' THEN m.app_id = e.name ELSE m.run_id = e.name END
        ) AS total_memories
        FROM entities e WHERE e.project_id = ${projectId}::uuid
      )
      SELECT id, project_id AS "projectId", type, name, metadata, explicit, created_at AS "createdAt",
             updated_at AS "updatedAt", total_memories AS "totalMemories", count(*) OVER () AS total
      FROM counted WHERE explicit OR total_memories > 0
      ORDER BY created_at DESC, id DESC
      LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`;
    const totals = await this.prisma.$queryRaw<{ type: EntityType; count: bigint }[]>`
      SELECT e.type, count(*) AS count FROM entities e
      WHERE e.project_id = ${projectId}::uuid AND (e.explicit OR EXISTS (
        SELECT 1 FROM memories m WHERE m.project_id = e.project_id AND CASE e.type
          WHEN 'user' THEN m.user_id = e.name WHEN 'agent' THEN m.agent_id = e.name
          WHEN 'app' THEN m.app_id = e.name ELSE m.run_id = e.name END))
      GROUP BY e.type`;
    const byType = { user: 0, agent: 0, app: 0, run: 0 };
    for (const row of totals) {
      byType[row.type] = Number(row.count);
    }
    return {
      rows: rows.map(({ total: _total, ...row }) => ({ ...row, totalMemories: Number(row.totalMemories) })),
      total: Object.values(byType).reduce((sum, count) => sum + count, 0),
      totals: byType,
    };
  }

  findByName(projectId: string, type: EntityType, name: string): Promise<Entity | null> {
    return this.prisma.entity.findUnique({ where: { projectId_type_name: { projectId, type, name } } });
  }

  findById(projectId: string, type: EntityType, id: number): Promise<Entity | null> {
    return this.prisma.entity.findFirst({ where: { projectId, type, id } });
  }

  async countMemories(projectId: string, type: EntityType, name: string): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ count: bigint }[]>`
      SELECT count(*) AS count FROM memories WHERE project_id = ${projectId}::uuid AND ${COLUMN[type]} = ${name}`;
    return Number(row.count);
  }

  /** Creates the entity explicitly, or marks an existing one explicit and merges its metadata. */
  async upsertExplicit(
    projectId: string,
    type: EntityType,
    name: string,
    metadata: Record<string, unknown> | null,
  ): Promise<Entity> {
    const existing = await this.findByName(projectId, type, name);
    const merged = {
      ...((existing?.metadata as Record<string, unknown> | null) ?? {}),
      ...(metadata ?? {}),
    } as Prisma.InputJsonObject;
    return this.prisma.entity.upsert({
      where: { projectId_type_name: { projectId, type, name } },
      create: { projectId, type, name, explicit: true, metadata: merged },
      update: { explicit: true, metadata: merged, updatedAt: new Date() },
    });
  }

  /** The entity and what was derived from it (its profile). */
  async delete(projectId: string, type: EntityType, name: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.entity.deleteMany({ where: { projectId, type, name } }),
      this.prisma.profile.deleteMany({ where: { projectId, entityType: type, entityId: name } }),
    ]);
  }

  async distinctCounts(projectId: string): Promise<Record<EntityType, number>> {
    const [row] = await this.prisma.$queryRaw<Record<EntityType, bigint>[]>`
      SELECT count(DISTINCT user_id) AS user, count(DISTINCT agent_id) AS agent,
             count(DISTINCT app_id) AS app, count(DISTINCT run_id) AS run
      FROM memories WHERE project_id = ${projectId}::uuid`;
    return { user: Number(row.user), agent: Number(row.agent), app: Number(row.app), run: Number(row.run) };
  }
}
