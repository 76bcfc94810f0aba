import { Inject, Injectable } from '@nestjs/common';
import { Embedder, EMBEDDER } from '@app/ai';
import { AppError, ErrorCode, isObject, isUuid } from '@app/core';
import { JobName, QueueService } from '@app/queue';
import { ProjectsService } from '@app/tenancy';
import { embeddingText } from '../annotation/entities';
import { annotate } from '../annotation/annotate';
import { memoryHash } from '../memory/memory.mapper';
import { BatchChange, BatchTarget, BatchUpdatesRepository } from './batch-updates.repository';
import { MemoriesRepository } from '../memory/memories.repository';
import { WriteContext } from '../memory/memory-rows';
import { Scope } from '../memory/memory.types';
import { CategorizationService } from '../ingestion/categorization.service';
import { ProfilesService } from '../profiles/profiles.service';
import { VectorIndexService } from '../maintenance/vector-index.service';

export const MAX_BATCH = 1000;

interface BatchUpdate {
  id: string;
  text?: string;
  metadata?: Record<string, unknown> | null;
}

const bad = (message: string) => AppError.error(ErrorCode.BadRequest, message);
/** A list of up to MAX_BATCH items; `verb` completes the platform's "can be updated/deleted" message. */
function items(raw: unknown, verb: 'updated' | 'deleted'): unknown[] {
  if (!Array.isArray(raw)) {
    throw bad('memories is required and must be a list');
  }
  if (raw.length > MAX_BATCH) {
    throw bad(`Maximum of ${MAX_BATCH} memories can be ${verb} in a single request`);
  }
  return raw;
}

/** `{"memory_id": ...}`; the alias route's DELETE also sends bare ids. */
function memoryId(item: unknown): string {
  const id = isObject(item) ? item.memory_id : item;
  if (!isUuid(id)) {
    throw bad('memory_id should be a valid UUID');
  }
  return id.toLowerCase();
}

function updateOf(item: unknown): BatchUpdate {
  const id = memoryId(item);
  const { text, metadata } = item as Record<string, unknown>;
  if (text === undefined && metadata === undefined) {
    throw bad(`At least one of text or metadata is required (memory ${id})`);
  }
  if (text !== undefined && typeof text !== 'string') {
    throw bad(`text must be a string (memory ${id})`);
  }
  if (metadata !== undefined && metadata !== null && !isObject(metadata)) {
    throw bad(`metadata must be an object (memory ${id})`);
  }
  return { id, text, metadata: metadata as BatchUpdate['metadata'] };
}

/**
 * `PUT` / `DELETE /v1/batch/`: every item is checked first (one query for all ids) and
 * the whole batch is refused on the first problem; then all changes commit in one transaction, each
 * with its history entry and webhook outbox row, as the single-memory routes write them.
 */
@Injectable()
export class BatchService {
  constructor(
    private readonly memories: MemoriesRepository,
    private readonly batchUpdates: BatchUpdatesRepository,
    private readonly queue: QueueService,
    private readonly projects: ProjectsService,
    private readonly profiles: ProfilesService,
    private readonly categorization: CategorizationService,
    private readonly vectorIndex: VectorIndexService,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async update(projectId: string, raw: unknown): Promise<{ message: string }> {
    const updates = items(raw, 'updated').map(updateOf);
    const current = await this.existing(
      projectId,
      updates.map((update) => update.id),
    );
    const immutable = updates.find((update) => current.get(update.id)!.immutable);
    if (immutable) {
      throw bad(`Memory ${immutable.id} is immutable and cannot be updated`);
    }
    // Only texts that change are re-embedded, all in one call before the transaction opens.
    const changed = updates.filter(
      ({ id, text }) => text !== undefined && text.trim() && text !== current.get(id)!.memory,
    );
    const vectors = changed.length
      ? await this.embedder.embed(changed.map((update) => embeddingText(update.text!)))
      : [];
    const inline = changed.length > 0 && this.categorization.inline();
    const categories = inline
      ? await this.categorization.categorise(
          changed.map((update) => update.text!),
          undefined,
          await this.projects.settings(projectId),
        )
      : [];
    const renewed = new Map(
      changed.map((update, index) => [
        update,
        { embedding: vectors[index], categories: categories[index] ?? [], scope: current.get(update.id)!.scope },
      ]),
    );
    const context: WriteContext = { embedder: this.embedder.id, input: null };
    const saidAt = new Date();
    const users = await this.memories.transaction(async (tx) => {
      const changedUsers: (string | null)[] = [];
      for (const round of rounds(updates)) {
        const changes = round.map((update) => changeOf(update, renewed.get(update), saidAt));
        const updated = await this.batchUpdates.apply(tx, projectId, changes, context);
        // Deleted since the check: the whole batch rolls back, as if the check had seen it.
        const gone = round.find((update) => !updated.has(update.id));
        if (gone) {
          throw bad(`Memory not found: ${gone.id}`);
        }
        changedUsers.push(
          ...changes.filter((change) => change.text).map((change) => updated.get(change.id)!.userId ?? null),
        );
      }
      return changedUsers;
    });
    if (changed.length > 0) {
      // Searched exactly until the job indexes them.
      await this.vectorIndex.indexLater(projectId);
    }
    if (inline) {
      // Where the categorisation job would have checked them: profiles may fall due.
      await this.profiles.refreshAfterChange(projectId, users);
    } else if (changed.length > 0) {
      const memoryIds = [...new Set(changed.map((update) => update.id))];
      await this.queue.add({ name: JobName.CategorizeMemories, data: { projectId, memoryIds } });
    }
    return { message: `Successfully updated ${updates.length} memories` };
  }

  async delete(projectId: string, raw: unknown): Promise<{ message: string }> {
    const ids = [...new Set(items(raw, 'deleted').map(memoryId))];
    await this.existing(projectId, ids);
    const context: WriteContext = { embedder: this.embedder.id, input: null };
    const removed = await this.memories.transaction((tx) => this.memories.deleteIn(tx, projectId, ids, context));
    return { message: `Successfully deleted ${removed.length} memories` };
  }

  /** The project's rows for these ids; any id missing here (unknown or another project's) refuses the batch. */
  private async existing(projectId: string, ids: string[]): Promise<Map<string, BatchTarget>> {
    const byId = ids.length
      ? await this.batchUpdates.targets(projectId, [...new Set(ids)])
      : new Map<string, BatchTarget>();
    const missing = ids.find((id) => !byId.has(id));
    if (missing) {
      throw bad(`Memory not found: ${missing}`);
    }
    return byId;
  }
}

/** Items in order, split where an id comes again: each round changes distinct memories, later rounds win. */
function rounds(updates: BatchUpdate[]): BatchUpdate[][] {
  const result: BatchUpdate[][] = [];
  let round: BatchUpdate[] = [];
  let ids = new Set<string>();
  for (const update of updates) {
    if (ids.has(update.id)) {
      result.push(round);
      round = [];
      ids = new Set();
    }
    round.push(update);
    ids.add(update.id);
  }
  return round.length > 0 ? [...result, round] : result;
}

/**
 * What one item changes; a new text gets a new hash and vector, and its categories (those found in process,
 * else none until the categorisation job assigns them).
 */
function changeOf(
  update: BatchUpdate,
  renewed: { embedding: number[]; categories: string[]; scope: Scope } | undefined,
  saidAt: Date,
): BatchChange {
  const change: BatchChange = { id: update.id };
  if (renewed) {
    change.text = {
      memory: update.text!,
      hash: memoryHash(update.text!),
      embedding: renewed.embedding,
      categories: renewed.categories,
      annotation: annotate(update.text!, saidAt),
      scope: renewed.scope,
    };
  }
  if (update.metadata !== undefined) {
    change.metadata = update.metadata;
  }
  return change;
}
