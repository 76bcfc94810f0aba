import { Injectable, Logger } from '@nestjs/common';
import { AppError, ErrorCode, formatTimestamp, isUuid, NOT_FOUND } from '@app/core';
import { JobName, QueueService } from '@app/queue';
import {
  EntityProfileState,
  ProfileJobOperation,
  ProfileJobRow,
  ProfileSettingsRow,
  ProfilesRepository,
} from './profiles.repository';
import {
  checkIdempotencyKey,
  parseJobRequest,
  parseSettingsUpdate,
  PROFILE_ENTITY_TYPES,
  PROFILE_MIN_MEMORIES,
  PROFILE_REBUILD_AFTER,
  ProfileEntityType,
  SAMPLE_MAX,
} from './profile-rules';

export const PROFILES_DISABLED =
  'Profiles are not enabled for this project. Turn them on with POST /v2/profiles/settings/ {"enabled": true}.';
const NOTHING_TO_SAMPLE = `No user has enough memories for a profile yet (at least ${PROFILE_MIN_MEMORIES}).`;
const NOT_QUEUED = 'The generation could not be queued.';

export type ProfileStatus = 'succeeded' | 'pending' | 'failed' | 'not_enabled' | 'insufficient_data';

/** The status a finished set of entities gives its job; `partial` when some succeeded and some failed. */
function jobStatus(entities: ProfileJobRow['entities']): string {
  const count = (status: string) => entities.filter((entity) => entity.status === status).length;
  if (entities.some((entity) => entity.status === 'queued' || entity.status === 'running')) {
    return entities.every((entity) => entity.status === 'queued') ? 'queued' : 'running';
  }
  if (count('failed') === 0) {
    return 'succeeded';
  }
  return count('succeeded') > 0 ? 'partial' : 'failed';
}

/** A generation is due when none waits, the user has enough memories, and none was tried since the last new ones. */
function generationDue(state: EntityProfileState): boolean {
  return (
    !state.open &&
    state.memoryCount >= PROFILE_MIN_MEMORIES &&
    (state.status === null || state.memoryCount - state.lastMemoryCount >= PROFILE_REBUILD_AFTER)
  );
}

/** Profile settings, generation jobs and reads (the platform's `/v2/profiles/` and entity profile routes). */
@Injectable()
export class ProfilesService {
  private readonly logger = new Logger(ProfilesService.name);

  constructor(
    private readonly profiles: ProfilesRepository,
    private readonly queue: QueueService,
  ) {}

  async settings(projectId: string) {
    return this.mapSettings(await this.profiles.settings(projectId));
  }

  async updateSettings(projectId: string, body: unknown) {
    const update = parseSettingsUpdate(body);
    const row = await this.profiles.writeSettings(projectId, {
      enabled: update.enabled,
      userSchema: update.user?.schema,
      userCustomInstructions: update.user?.customInstructions,
    });
    return this.mapSettings(row);
  }

  async createJob(projectId: string, body: unknown, idempotencyKey: unknown) {
    checkIdempotencyKey(idempotencyKey);
    const request = parseJobRequest(body);
    if (!(await this.profiles.settings(projectId))?.enabled) {
      throw AppError.detail(ErrorCode.BadRequest, PROFILES_DISABLED);
    }
    let entityIds: string[];
    if (request.operation === 'trigger') {
      const [state] = await this.profiles.states(projectId, request.entityType, [request.entityId]);
      if (!state.known && state.memoryCount === 0) {
        throw AppError.detail(ErrorCode.NotFound, NOT_FOUND);
      }
      entityIds = [request.entityId];
    } else {
      entityIds = await this.profiles.sampleUsers(projectId, PROFILE_MIN_MEMORIES, request.limit);
      if (entityIds.length === 0) {
        throw AppError.detail(ErrorCode.BadRequest, NOTHING_TO_SAMPLE);
      }
    }
    const job = await this.enqueue(projectId, request.operation, request.entityType, entityIds);
    return {
      job_id: job.id,
      status: jobStatus(job.entities),
      status_url: `/v2/profiles/jobs/${job.id}/`,
      operation: job.operation,
      entity_type: job.entityType,
      entity_count_reserved: entityIds.length,
      event_id: null,
      replayed: false,
      ...(request.operation === 'sample' ? { sampled: entityIds.length, entity_ids: entityIds } : {}),
    };
  }

  async readJob(projectId: string, id: string) {
    const job = isUuid(id) ? await this.profiles.job(projectId, id.toLowerCase()) : null;
    if (!job) {
      throw AppError.detail(ErrorCode.NotFound, NOT_FOUND);
    }
    const count = (status: string) => job.entities.filter((entity) => entity.status === status).length;
    const [succeeded, failed, skipped] = [count('succeeded'), count('failed'), count('skipped')];
    const updatedAt = job.entities.reduce((latest, entity) => Math.max(latest, entity.updatedAt.getTime()), 0);
    return {
      job: {
        id: job.id,
        operation: job.operation,
        entity_type: job.entityType,
        status: jobStatus(job.entities),
        // Entities are picked when the job is created, so the count is known from the start.
        total: job.entities.length,
        enumeration_complete: true,
        completed: succeeded + failed + skipped,
        succeeded,
        failed,
        skipped,
        created_at: formatTimestamp(job.createdAt),
        updated_at: formatTimestamp(new Date(Math.max(updatedAt, job.createdAt.getTime()))),
        entities: job.entities.map((entity) => ({
          entity_id: entity.entityId,
          status: entity.status,
          error: entity.error,
        })),
      },
    };
  }

  /** Known entities always answer 200 with a status; a user due for a first profile gets one queued. */
  async readProfile(projectId: string, entityType: string, entityId: string) {
    const type = this.entityType(entityType);
    const [state] = await this.profiles.states(projectId, type, [entityId]);
    if (!state.known && state.memoryCount === 0 && state.status === null) {
      throw AppError.detail(ErrorCode.NotFound, NOT_FOUND);
    }
    const answer = (status: ProfileStatus) => ({
      profile: (state.profile as Record<string, unknown> | null) ?? {},
      status,
      entity_type: type,
      entity_id: entityId,
      updated_at: formatTimestamp(state.generatedAt),
      generation_count: state.generationCount,
      error: status === 'failed' ? state.error : null,
    });
    if (!(await this.profiles.settings(projectId))?.enabled) {
      return answer('not_enabled');
    }
    if (state.status === 'succeeded') {
      return answer('succeeded');
    }
    if (state.open) {
      return answer('pending');
    }
    if (generationDue(state)) {
      await this.enqueue(projectId, 'auto', type, [entityId]);
      return answer('pending');
    }
    if (state.status === 'failed') {
      return answer('failed');
    }
    return answer('insufficient_data');
  }

  /**
   * After memories of these users changed: queues a first profile for those who crossed the threshold, and a
   * rebuild for those with enough new memories since the last generation. Never fails the caller.
   */
  async refreshAfterChange(projectId: string, userIds: (string | null)[]): Promise<void> {
    const users = [...new Set(userIds.filter((id): id is string => typeof id === 'string'))];
    try {
      if (users.length === 0 || !(await this.profiles.settings(projectId))?.enabled) {
        return;
      }
      const due = (await this.profiles.states(projectId, 'user', users)).filter(generationDue);
      for (const state of due) {
        await this.enqueue(projectId, 'auto', 'user', [state.entityId]);
      }
    } catch (error) {
      this.logger.warn({ projectId, err: error }, 'automatic profile generation not queued');
    }
  }

  /** One job row, and one queued generation per entity; entities that could not be queued end failed. */
  private async enqueue(
    projectId: string,
    operation: ProfileJobOperation,
    entityType: ProfileEntityType,
    entityIds: string[],
  ): Promise<ProfileJobRow> {
    const job = await this.profiles.createJob(projectId, operation, entityType, entityIds);
    for (const [index, entityId] of entityIds.entries()) {
      try {
        await this.queue.add(
          { name: JobName.GenerateProfile, data: { projectId, jobId: job.id, entityId } },
          { jobId: `profile-${job.id}-${index}` },
        );
      } catch (error) {
        await Promise.all(
          entityIds.slice(index).map((id) => this.profiles.finishEntity(projectId, job.id, id, 'failed', NOT_QUEUED)),
        );
        throw error;
      }
    }
    return job;
  }

  private entityType(raw: string): ProfileEntityType {
    const type = PROFILE_ENTITY_TYPES.find((known) => known === raw.toLowerCase());
    if (!type) {
      throw AppError.detail(ErrorCode.BadRequest, 'entity_type must be "user": profiles exist for users only.');
    }
    return type;
  }

  private mapSettings(row: ProfileSettingsRow | null) {
    return {
      enabled: row?.enabled ?? false,
      entities: {
        user: {
          schema: (row?.userSchema as Record<string, unknown> | null) ?? null,
          custom_instructions: row?.userCustomInstructions ?? null,
        },
      },
      capabilities: {
        entity_types: [...PROFILE_ENTITY_TYPES],
        operations: ['trigger', 'sample'],
        min_memories: PROFILE_MIN_MEMORIES,
        sample_limit_max: SAMPLE_MAX,
      },
    };
  }
}
