import { Injectable } from '@nestjs/common';
import { AppError, Entity, ErrorCode, formatTimestamp, NOT_FOUND } from '@app/core';
import { ProjectsService } from '@app/tenancy';
import { ENTITY_TYPES, EntityType, SCOPE_COLUMNS } from '../memory/memory.types';
import { EntitiesRepository, EntityRow } from './entities.repository';
import { EventsRepository } from '../events/events.repository';
import { MemoriesRepository } from '../memory/memories.repository';
import { DeletionService } from '../memory/deletion.service';

export const DELETE_IN_PROGRESS = 'Delete in progress. This may take some time.';

export function parseEntityType(raw: string): EntityType {
  const type = raw.toLowerCase().replace(/s$/, '');
  if (!(ENTITY_TYPES as readonly string[]).includes(type)) {
    throw AppError.message(ErrorCode.BadRequest, 'Invalid entity type');
  }
  return type as EntityType;
}

function mapEntity(row: Entity, totalMemories: number) {
  return {
    id: String(row.id),
    name: row.name,
    type: row.type,
    created_at: formatTimestamp(row.createdAt),
    updated_at: formatTimestamp(row.updatedAt),
    total_memories: totalMemories,
    owner: null,
    organization: null,
    metadata: row.metadata,
  };
}

/** Users, agents, apps and runs of a project. */
@Injectable()
export class EntitiesService {
  constructor(
    private readonly entities: EntitiesRepository,
    private readonly memories: MemoriesRepository,
    private readonly events: EventsRepository,
    private readonly projects: ProjectsService,
    private readonly deletion: DeletionService,
  ) {}

  async list(projectId: string, page: number, pageSize: number) {
    const { rows, total, totals } = await this.entities.list(projectId, page, pageSize);
    return {
      count: total,
      results: rows.map((row: EntityRow) => mapEntity(row, row.totalMemories)),
      total_users: totals.user,
      total_agents: totals.agent,
      total_apps: totals.app,
      total_runs: totals.run,
    };
  }

  async create(projectId: string, type: EntityType, name: string, metadata: Record<string, unknown> | null) {
    const row = await this.entities.upsertExplicit(projectId, type, name, metadata);
    const project = await this.projects.settings(projectId);
    return {
      id: row.id,
      [`${type}_id`]: row.name,
      name: row.name,
      metadata: row.metadata ?? {},
      created_at: formatTimestamp(row.createdAt),
      updated_at: formatTimestamp(row.updatedAt),
      graph_entities: null,
      is_deleted: false,
      project: project.number,
    };
  }

  /** `[]` when unknown. */
  async get(projectId: string, type: EntityType, name: string) {
    const row = await this.entities.findByName(projectId, type, name);
    return row ? [mapEntity(row, await this.entities.countMemories(projectId, type, name))] : [];
  }

  /** Removes the entity and all its memories in the background; `byNumericId` is the deprecated v1 form. */
  async delete(projectId: string, type: EntityType, idOrName: string, byNumericId: boolean) {
    const numeric = byNumericId && /^\d{1,9}$/.test(idOrName);
    const row = numeric
      ? await this.entities.findById(projectId, type, Number(idOrName))
      : await this.entities.findByName(projectId, type, idOrName);
    if (!row) {
      throw AppError.detail(ErrorCode.NotFound, NOT_FOUND);
    }
    const eventId = await this.deletion.request(projectId, {
      scope: { [SCOPE_COLUMNS[type]]: row.name },
      entity: { type, name: row.name },
    });
    return { message: DELETE_IN_PROGRESS, event_id: eventId };
  }

  async stats(projectId: string) {
    const [{ total }, distinct, adds, retrievals] = await Promise.all([
      this.memories.counts(projectId),
      this.entities.distinctCounts(projectId),
      this.events.countByType(projectId, ['ADD']),
      this.events.countByType(projectId, ['SEARCH', 'GET_ALL']),
    ]);
    const per = (count: number) => (count > 0 ? Math.round(total / count) : 0);
    return {
      total_memories: total,
      total_retrieval_events: retrievals,
      total_add_events: adds,
      total_api_retrieval_events: retrievals,
      total_retrieval_events_limit: 0,
      total_users_with_memories: distinct.user,
      total_agents_with_memories: distinct.agent,
      total_runs_with_memories: distinct.run,
      memories_per_user: per(distinct.user),
      memories_per_agent: per(distinct.agent),
      memories_per_run: per(distinct.run),
    };
  }
}
