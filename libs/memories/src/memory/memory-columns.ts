import { Prisma } from '@app/core';

/** Every column of a memory but its vector, embedder and event span, named as Prisma names them (`m` is the row). */
export const MEMORY_COLUMN_LIST = [
  'm.id',
  'm.project_id AS "projectId"',
  'm.memory',
  'm.hash',
  'm.user_id AS "userId"',
  'm.agent_id AS "agentId"',
  'm.app_id AS "appId"',
  'm.run_id AS "runId"',
  'm.metadata',
  'm.categories',
  'm.immutable',
  'm.expiration_date AS "expirationDate"',
  'm.lifecycle_state AS "lifecycleState"',
  'm.replaced_by AS "replacedBy"',
  'm.synthesized',
  'm.source_event_id AS "sourceEventId"',
  'm.created_at AS "createdAt"',
  'm.updated_at AS "updatedAt"',
];

/** A whole `Memory` row (all but the vector), as raw SQL reads it. */
export const MEMORY_ROW = Prisma.raw(
  [...MEMORY_COLUMN_LIST, 'm.embedder', 'm.event_start AS "eventStart"', 'm.event_end AS "eventEnd"'].join(', '),
);

/**
 * A memory's vector wherever it is: a batch update or a verbatim add leaves its new vector in
 * `pending_embedding` (and the embedding NULL, out of the HNSW index) until the worker moves it in, and
 * every read sees it meanwhile.
 */
export const MEMORY_VECTOR = Prisma.raw('coalesce(m.embedding, m.pending_embedding)');
