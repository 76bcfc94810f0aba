import { AppError, ErrorCode, isUuid } from '@app/core';
import { AddResultItem, MemoryResponse } from '@app/memories';

const memoryNotFound = () => AppError.detail(ErrorCode.NotFound, 'Memory not found');

/** A lookup or change of one memory, with the engine's "not found" (and a malformed id) in the servers' words. */
export async function oneOssMemory<T>(id: string, run: () => Promise<T>): Promise<T> {
  if (!isUuid(id)) {
    throw memoryNotFound();
  }
  try {
    return await run();
  } catch (error) {
    throw error instanceof AppError && error.code === ErrorCode.NotFound ? memoryNotFound() : error;
  }
}

/** An add result item as mem0's v1.1 add returns it. */
export function ossAddItem(item: AddResultItem) {
  return {
    id: item.id,
    memory: item.memory,
    event: item.event,
    ...(item.previous_memory !== undefined ? { previous_memory: item.previous_memory } : {}),
  };
}

/**
 * A memory as the mem0 OSS library returns it (`Memory.get`/`get_all`/`search`), which the OSS REST
 * server and the Memory Service pass through: the MemoryItem fields, then the ids that are set.
 */
export function ossMemory(memory: MemoryResponse, score: number | null = null) {
  const ids = {
    user_id: memory.user_id,
    agent_id: memory.agent_id,
    run_id: memory.run_id,
    app_id: memory.app_id,
    expiration_date: memory.expiration_date,
  };
  return {
    id: memory.id,
    memory: memory.memory,
    hash: memory.hash,
    metadata: memory.metadata && Object.keys(memory.metadata).length > 0 ? memory.metadata : null,
    score,
    created_at: memory.created_at,
    updated_at: memory.updated_at,
    ...Object.fromEntries(Object.entries(ids).filter(([, value]) => value !== null && value !== undefined)),
  };
}

interface PlatformHistory {
  id: string;
  memory_id: string;
  old_memory: string | null;
  new_memory: string | null;
  event: string;
  created_at: string;
  updated_at: string;
}

/** A history entry as the OSS library's history store returns it. */
export function ossHistory(entry: PlatformHistory) {
  return {
    id: entry.id,
    memory_id: entry.memory_id,
    old_memory: entry.old_memory,
    new_memory: entry.new_memory,
    event: entry.event,
    created_at: entry.created_at,
    updated_at: entry.updated_at,
    is_deleted: entry.event === 'DELETE',
    actor_id: null,
    role: null,
  };
}
