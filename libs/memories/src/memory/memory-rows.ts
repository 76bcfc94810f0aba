import { createHash } from 'node:crypto';
import { Memory, Prisma } from '@app/core';
import type { Annotation } from '../annotation/annotate';
import { EntityType, Scope } from './memory.types';

/** Row shapes shared by the memory repository's writes (history entries, webhook payloads, scopes). */

export interface NewMemory {
  id: string;
  memory: string;
  hash: string;
  scope: Scope;
  metadata: Record<string, unknown> | null;
  immutable: boolean;
  expirationDate: Date | null;
  createdAt: Date;
  sourceEventId: string | null;
  embedding: number[];
  annotation: Annotation;
  /** Assigned before the insert when the categoriser runs in process; else a job assigns them after. */
  categories?: string[];
  /** What its ADD history entry shows as input when not the whole add's messages (a verbatim memory's message). */
  input?: unknown;
}

export interface MemoryChange {
  memory?: string;
  hash?: string;
  metadata?: Record<string, unknown> | null;
  createdAt?: Date;
  expirationDate?: Date | null;
  categories?: string[] | null;
  embedding?: number[];
  /** With a new text: its entities and event dates replace the old ones. */
  annotation?: Annotation;
}

export interface SimilarRow {
  id: string;
  memory: string;
  similarity: number;
}

export interface WriteContext {
  embedder: string;
  input: unknown;
  eventId?: string | null;
}

export const json = (value: unknown) =>
  value === null || value === undefined ? Prisma.DbNull : (value as Prisma.InputJsonValue);

/** A JSON value as text for a `::jsonb` array element (SQL NULL for none). */
export const jsonText = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

export function scopeColumns(scope: Scope) {
  return {
    userId: scope.userId ?? null,
    agentId: scope.agentId ?? null,
    appId: scope.appId ?? null,
    runId: scope.runId ?? null,
  };
}

/** One key for exactly these entity ids: groups a batch by scope and names an entity's scope in `named_entities`. */
export function scopeKey(scope: Scope): string {
  const columns = scopeColumns(scope);
  return JSON.stringify([columns.userId, columns.agentId, columns.appId, columns.runId]);
}

/** The positions of the items of each scope, scopes in order of first appearance. */
export function groupByScope(items: { scope: Scope }[]): number[][] {
  const groups = new Map<string, number[]>();
  items.forEach((item, index) => {
    const key = scopeKey(item.scope);
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  return [...groups.values()];
}

/** A signed 64-bit advisory lock id for one scope of a project (exactly these entity ids). */
export function scopeLockId(projectId: string, scope: Scope): bigint {
  const columns = scopeColumns(scope);
  const key = JSON.stringify([
    'memory-scope',
    projectId,
    columns.userId,
    columns.agentId,
    columns.appId,
    columns.runId,
  ]);
  return createHash('sha256').update(key).digest().readBigInt64BE(0);
}

export function scopeOf(row: Memory): Scope {
  return { userId: row.userId, agentId: row.agentId, appId: row.appId, runId: row.runId };
}

export function scopeByType(scope: Scope): Record<EntityType, string | null> {
  return {
    user: scope.userId ?? null,
    agent: scope.agentId ?? null,
    app: scope.appId ?? null,
    run: scope.runId ?? null,
  };
}

export function historyRow(
  projectId: string,
  row: Memory,
  event: string,
  oldMemory: string | null,
  newMemory: string | null,
  context: WriteContext,
) {
  return {
    projectId,
    memoryId: row.id,
    event,
    oldMemory,
    newMemory,
    input: json(context.input),
    ...scopeColumns(scopeOf(row)),
    categories: row.categories ?? [],
    metadata: json(row.metadata),
  };
}

/** The documented webhook payload plus the extra keys this server adds (project, scope, event). */
export function outboxPayload(
  id: string,
  event: 'ADD' | 'UPDATE' | 'DELETE',
  memory: string,
  scope: Scope,
  metadata: unknown,
  eventId: string | null | undefined,
): Prisma.InputJsonValue {
  return {
    event_details: {
      id,
      data: { memory },
      event,
      user_id: scope.userId ?? null,
      agent_id: scope.agentId ?? null,
      app_id: scope.appId ?? null,
      run_id: scope.runId ?? null,
      metadata: (metadata ?? null) as Prisma.InputJsonValue,
      event_id: eventId ?? null,
      timestamp: new Date().toISOString(),
    },
  };
}

const OUTBOX_EVENT_TYPES = { ADD: 'memory_add', UPDATE: 'memory_update', DELETE: 'memory_delete' } as const;

/** The webhook outbox row of one change to a stored memory. */
export function outboxRow(
  projectId: string,
  row: Memory,
  event: keyof typeof OUTBOX_EVENT_TYPES,
  context: WriteContext,
): Prisma.WebhookOutboxCreateManyInput {
  return {
    projectId,
    eventType: OUTBOX_EVENT_TYPES[event],
    payload: outboxPayload(row.id, event, row.memory, scopeOf(row), row.metadata, context.eventId),
  };
}

/** `memory_categorize` keeps its own documented keys, with the event id and time every payload carries. */
export function categorizePayload(
  projectId: string,
  memoryId: string,
  categories: string[],
  eventId: string | null | undefined,
): Prisma.InputJsonValue {
  return {
    event_details: {
      event: 'CATEGORIZE',
      memory_id: memoryId,
      categories,
      project_id: projectId,
      event_id: eventId ?? null,
      timestamp: new Date().toISOString(),
    },
  };
}
