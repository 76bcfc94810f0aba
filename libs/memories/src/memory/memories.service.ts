import { Inject, Injectable } from '@nestjs/common';
import { Embedder, EMBEDDER } from '@app/ai';
import { AppError, ErrorCode, isUuid, Memory } from '@app/core';
import { JobName, QueueService } from '@app/queue';
import { embeddingText } from '../annotation/entities';
import { annotate } from '../annotation/annotate';
import { FeedbackDto, UpdateMemoryDto } from './memory.dto';
import { mapHistory, mapMemory, memoryHash } from './memory.mapper';
import { FeedbackRepository } from './feedback.repository';
import { MemoriesRepository } from './memories.repository';
import { MemoryChange } from './memory-rows';

const FEEDBACK = ['POSITIVE', 'NEGATIVE', 'VERY_NEGATIVE'];

export function memoryNotFound(): AppError {
  return AppError.error(ErrorCode.NotFound, 'Memory not found!');
}

function requireUuid(id: string): void {
  if (!isUuid(id)) {
    throw AppError.error(ErrorCode.BadRequest, 'memory_id should be a valid UUID');
  }
}

/** One memory: read, change, forget, its history and feedback. */
@Injectable()
export class MemoriesService {
  constructor(
    private readonly memories: MemoriesRepository,
    private readonly feedbackRows: FeedbackRepository,
    private readonly queue: QueueService,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async get(projectId: string, id: string) {
    return mapMemory(await this.require(projectId, id));
  }

  async update(projectId: string, id: string, dto: UpdateMemoryDto) {
    const current = await this.require(projectId, id);
    const keys = ['text', 'metadata', 'timestamp', 'expiration_date'] as const;
    if (!keys.some((key) => dto[key] !== undefined)) {
      throw AppError.error(
        ErrorCode.BadRequest,
        'At least one of text, metadata, timestamp or expiration_date is required',
      );
    }
    if (current.immutable) {
      throw AppError.error(ErrorCode.BadRequest, 'Memory is immutable and cannot be updated');
    }
    const change: MemoryChange = {};
    if (dto.text !== undefined && dto.text.trim() && dto.text !== current.memory) {
      change.memory = dto.text;
      change.hash = memoryHash(dto.text);
      [change.embedding] = await this.embedder.embed([embeddingText(dto.text)]);
      change.categories = null;
      change.annotation = annotate(dto.text, new Date());
    }
    if (dto.metadata !== undefined) {
      change.metadata = dto.metadata;
    }
    if (dto.timestamp !== undefined) {
      change.createdAt = typeof dto.timestamp === 'number' ? new Date(dto.timestamp * 1000) : new Date(dto.timestamp);
    }
    if (dto.expiration_date !== undefined) {
      change.expirationDate = dto.expiration_date ? new Date(`${dto.expiration_date}T00:00:00Z`) : null;
    }
    const updated = await this.memories.update(projectId, id, change, { embedder: this.embedder.id, input: null });
    if (!updated) {
      throw memoryNotFound();
    }
    if (change.memory) {
      await this.queue.add({ name: JobName.CategorizeMemories, data: { projectId, memoryIds: [id] } });
    }
    return { ...mapMemory(updated), message: 'Memory updated successfully!' };
  }

  async delete(projectId: string, id: string, deleteLinked: boolean) {
    await this.require(projectId, id);
    const linked = deleteLinked ? await this.memories.linkedChain(projectId, id) : [];
    const removed = await this.memories.transaction((tx) =>
      this.memories.deleteIn(tx, projectId, [id, ...linked], { embedder: this.embedder.id, input: null }),
    );
    if (!removed.some((row) => row.id === id)) {
      throw memoryNotFound();
    }
    return deleteLinked
      ? { message: 'Memory deleted successfully!', cascade_count: removed.length - 1 }
      : { message: 'Memory deleted successfully!' };
  }

  /** Oldest first; a deleted memory's history stays readable. */
  async history(projectId: string, id: string) {
    requireUuid(id);
    const rows = await this.memories.history(projectId, id);
    if (rows.length === 0 && !(await this.memories.findById(projectId, id))) {
      throw memoryNotFound();
    }
    return rows.map(mapHistory);
  }

  async feedback(projectId: string, userId: string, dto: FeedbackDto) {
    if (typeof dto.memory_id !== 'string' || !isUuid(dto.memory_id)) {
      throw AppError.error(ErrorCode.BadRequest, 'Invalid memory_id');
    }
    const value = dto.feedback === undefined || dto.feedback === null ? null : dto.feedback;
    if (value !== null && (typeof value !== 'string' || !FEEDBACK.includes(value.toUpperCase()))) {
      throw AppError.fields(ErrorCode.BadRequest, { feedback: [`"${String(value)}" is not a valid choice.`] });
    }
    const reason = typeof dto.feedback_reason === 'string' ? dto.feedback_reason : null;
    await this.require(projectId, dto.memory_id);
    const normalized = value === null ? null : value.toUpperCase();
    const row = await this.feedbackRows.upsert(
      projectId,
      dto.memory_id,
      userId,
      normalized,
      value === null ? null : reason,
    );
    return { id: row.id, feedback: row.feedback, feedback_reason: row.feedbackReason };
  }

  /** The stored vectors of these memories, by id (the Memory System serves them with each memory). */
  embeddings(projectId: string, ids: string[]): Promise<Map<string, number[]>> {
    return this.memories.embeddings(projectId, ids);
  }

  private async require(projectId: string, id: string): Promise<Memory> {
    requireUuid(id);
    const row = await this.memories.findById(projectId, id);
    if (!row) {
      throw memoryNotFound();
    }
    return row;
  }
}
