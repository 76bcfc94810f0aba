import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@app/core';
import { JobRequest, ProfileEntityType } from './profile-rules';

export interface ProfileSettingsRow {
  enabled: boolean;
  userSchema: unknown;
  userCustomInstructions: string | null;
}

export type ProfileJobOperation = JobRequest['operation'] | 'auto';
export type JobEntityStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface ProfileJobRow {
  id: string;
  operation: string;
  entityType: string;
  createdAt: Date;
  entities: { entityId: string; status: string; error: string | null; updatedAt: Date }[];
}

/** One entity as the profile routes see it: its memories, a waiting generation, and its stored profile. */
export interface EntityProfileState {
  entityId: string;
  /** The project has such an entity (it was added memories or created). */
  known: boolean;
  memoryCount: number;
  /** A generation is queued or running for it. */
  open: boolean;
  profile: unknown;
  status: string | null;
  error: string | null;
  generationCount: number;
  /** Memories the last generation read. */
  lastMemoryCount: number;
  generatedAt: Date | null;
}

const OPEN = ['queued', 'running'];

/** Profile settings, profiles and generation jobs, always within one project. */
@Injectable()
export class ProfilesRepository {
  constructor(private readonly prisma: PrismaService) {}

  settings(projectId: string): Promise<ProfileSettingsRow | null> {
    return this.prisma.profileSettings.findUnique({ where: { projectId } });
  }

  /** Writes the fields given (undefined = leave as is) and returns the settings as stored. */
  writeSettings(
    projectId: string,
    fields: { enabled?: boolean; userSchema?: object | null; userCustomInstructions?: string | null },
  ): Promise<ProfileSettingsRow> {
    const data = {
      enabled: fields.enabled,
      userSchema: fields.userSchema === null ? Prisma.DbNull : (fields.userSchema as Prisma.InputJsonValue | undefined),
      userCustomInstructions: fields.userCustomInstructions,
    };
    return this.prisma.profileSettings.upsert({
      where: { projectId },
      create: { projectId, ...data },
      update: { ...data, updatedAt: new Date() },
    });
  }

  /** Each entity id in order, with its memory count, open generation and stored profile. */
  async states(projectId: string, type: ProfileEntityType, entityIds: string[]): Promise<EntityProfileState[]> {
    if (entityIds.length === 0) {
      return [];
    }
    return this.prisma.$queryRaw<EntityProfileState[]>`
      SELECT e.entity_id AS "entityId",
        EXISTS (SELECT 1 FROM entities n
          WHERE n.project_id = ${projectId}::uuid AND n.type = ${type} AND n.name = e.entity_id) AS known,
        (SELECT count(*)::int FROM memories m WHERE m.project_id = ${projectId}::uuid AND m.user_id = e.entity_id)
          AS "memoryCount",
        EXISTS (SELECT 1 FROM profile_job_entities j
          WHERE j.project_id = ${projectId}::uuid AND j.entity_type = ${type} AND j.entity_id = e.entity_id
            AND j.status = ANY(${OPEN}::text[])) AS open,
        p.profile, p.status, p.error, COALESCE(p.generation_count, 0) AS "generationCount",
        COALESCE(p.memory_count, 0) AS "lastMemoryCount", p.generated_at AS "generatedAt"
      FROM unnest(${entityIds}::text[]) WITH ORDINALITY AS e(entity_id, position)
      LEFT JOIN profiles p ON p.project_id = ${projectId}::uuid AND p.entity_type = ${type} AND p.entity_id = e.entity_id
      ORDER BY e.position`;
  }

  /** Users with at least `minMemories` memories, picked at random. */
  async sampleUsers(projectId: string, minMemories: number, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ userId: string }[]>`
      SELECT user_id AS "userId" FROM memories
      WHERE project_id = ${projectId}::uuid AND user_id IS NOT NULL
      GROUP BY user_id HAVING count(*) >= ${minMemories}
      ORDER BY random() LIMIT ${limit}`;
    return rows.map((row) => row.userId);
  }

  /** The job and one queued row per entity, in one transaction. */
  async createJob(
    projectId: string,
    operation: ProfileJobOperation,
    entityType: ProfileEntityType,
    entityIds: string[],
  ): Promise<ProfileJobRow> {
    return this.prisma.$transaction(async (tx) => {
      const job = await tx.profileJob.create({ data: { projectId, operation, entityType } });
      await tx.profileJobEntity.createMany({
        data: entityIds.map((entityId) => ({ jobId: job.id, projectId, entityType, entityId })),
      });
      return tx.profileJob.findUniqueOrThrow({ where: { id: job.id }, include: { entities: true } });
    });
  }

  job(projectId: string, id: string): Promise<ProfileJobRow | null> {
    return this.prisma.profileJob.findFirst({
      where: { projectId, id },
      include: { entities: { orderBy: { entityId: 'asc' } } },
    });
  }

  /** queued (or a running one being retried) -> running; null when it is finished or gone. */
  async claimEntity(projectId: string, jobId: string, entityId: string): Promise<{ entityType: string } | null> {
    const claimed = await this.prisma.profileJobEntity.updateMany({
      where: { projectId, jobId, entityId, status: { in: OPEN } },
      data: { status: 'running', updatedAt: new Date() },
    });
    if (claimed.count === 0) {
      return null;
    }
    return this.prisma.profileJobEntity.findFirst({
      where: { projectId, jobId, entityId },
      select: { entityType: true },
    });
  }

  async finishEntity(
    projectId: string,
    jobId: string,
    entityId: string,
    status: Exclude<JobEntityStatus, 'queued' | 'running'>,
    error: string | null = null,
  ): Promise<void> {
    await this.prisma.profileJobEntity.updateMany({
      where: { projectId, jobId, entityId },
      data: { status, error, updatedAt: new Date() },
    });
  }

  async recordSuccess(
    projectId: string,
    entityType: ProfileEntityType,
    entityId: string,
    profile: Record<string, unknown>,
    memoryCount: number,
  ): Promise<void> {
    const now = new Date();
    const outcome = { status: 'succeeded', error: null, memoryCount, generatedAt: now, updatedAt: now };
    await this.prisma.profile.upsert({
      where: { projectId_entityType_entityId: { projectId, entityType, entityId } },
      create: {
        projectId,
        entityType,
        entityId,
        profile: profile as Prisma.InputJsonObject,
        generationCount: 1,
        ...outcome,
      },
      update: { profile: profile as Prisma.InputJsonObject, generationCount: { increment: 1 }, ...outcome },
    });
  }

  /** The last generation failed: its error is kept beside the previous profile, if any. */
  async recordFailure(
    projectId: string,
    entityType: ProfileEntityType,
    entityId: string,
    error: string,
    memoryCount: number,
  ): Promise<void> {
    const outcome = { status: 'failed', error, memoryCount };
    await this.prisma.profile.upsert({
      where: { projectId_entityType_entityId: { projectId, entityType, entityId } },
      create: { projectId, entityType, entityId, ...outcome },
      update: { ...outcome, updatedAt: new Date() },
    });
  }
}
