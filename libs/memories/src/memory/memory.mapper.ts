import { createHash } from 'node:crypto';
import { formatTimestamp, Memory, MemoryHistory } from '@app/core';

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** md5 of the text, as the platform's `hash` (also the exact-duplicate key). */
export function memoryHash(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

export function formatDate(date: Date | null): string | null {
  return date ? date.toISOString().slice(0, 10) : null;
}

/** Calendar facts of created_at in UTC. */
export function structuredAttributes(date: Date) {
  const dayStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const dayOfYear = Math.floor((dayStart - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  const isoDay = date.getUTCDay() || 7;
  const thursday = new Date(dayStart + (4 - isoDay) * 86_400_000);
  const weekOfYear = Math.ceil(((thursday.getTime() - Date.UTC(thursday.getUTCFullYear(), 0, 1)) / 86_400_000 + 1) / 7);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    day_of_week: DAYS[date.getUTCDay()],
    week_of_year: weekOfYear,
    day_of_year: dayOfYear,
    quarter: Math.floor(date.getUTCMonth() / 3) + 1,
    is_weekend: date.getUTCDay() === 0 || date.getUTCDay() === 6,
  };
}

/** The canonical memory object; routes project it as they need. */
export function mapMemory(row: Memory) {
  return {
    id: row.id,
    memory: row.memory,
    user_id: row.userId,
    agent_id: row.agentId,
    app_id: row.appId,
    run_id: row.runId,
    session_id: row.runId,
    hash: row.hash,
    metadata: row.metadata as Record<string, unknown> | null,
    categories: row.categories?.length ? row.categories : null,
    immutable: row.immutable,
    expiration_date: formatDate(row.expirationDate),
    created_at: formatTimestamp(row.createdAt),
    updated_at: formatTimestamp(row.updatedAt),
    structured_attributes: structuredAttributes(row.createdAt),
    replaced_by: row.replacedBy,
    synthesized: row.synthesized,
    lifecycle_state: row.lifecycleState,
  };
}

export type MemoryResponse = ReturnType<typeof mapMemory>;

/** A history entry. */
export function mapHistory(row: MemoryHistory) {
  return {
    id: row.id,
    memory_id: row.memoryId,
    input: row.input ?? [],
    old_memory: row.oldMemory,
    new_memory: row.newMemory,
    user_id: row.userId,
    agent_id: row.agentId,
    app_id: row.appId,
    run_id: row.runId,
    session_id: row.runId,
    categories: row.categories?.length ? row.categories : null,
    event: row.event,
    metadata: row.metadata,
    created_at: formatTimestamp(row.createdAt),
    updated_at: formatTimestamp(row.updatedAt),
    previous_embedding_qwen: null,
    embedding_qwen: null,
  };
}
