import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@app/core';
import { Annotation } from '../annotation/annotate';
import { Scope } from '../memory/memory.types';
import { AnnotationsRepository, linkRows, namedEntitiesSql } from '../annotation/annotations.repository';
import { categorizePayload, jsonText, WriteContext } from '../memory/memory-rows';
import { vectorLiteral } from '../memory/vector';

type Tx = Prisma.TransactionClient;

/** One memory's change in a batch: a new text (with its hash, vector and annotation) and/or new metadata. */
export interface BatchChange {
  id: string;
  /** A new text, with the memory's scope (where the entities it names are stored). */
  text?: {
    memory: string;
    hash: string;
    embedding: number[];
    categories: string[];
    annotation: Annotation;
    scope: Scope;
  };
  /** Present when the metadata is replaced (null clears it). */
  metadata?: Record<string, unknown> | null;
}

/** What a batch checks of each memory before changing it. */
export interface BatchTarget {
  id: string;
  memory: string;
  immutable: boolean;
  scope: Scope;
}

/**
 * The `webhook_outbox` payload of a change, built from the changed row `r` as outboxPayload builds it
 * in code: the statements below write history and webhooks from what they change, without reading it back.
 */
function outboxPayloadSql(event: 'UPDATE' | 'DELETE', context: WriteContext): Prisma.Sql {
  return Prisma.sql`jsonb_build_object('event_details', jsonb_build_object(
    'id', r.id, 'data', jsonb_build_object('memory', r.memory), 'event', ${event}::text,
    'user_id', r.user_id, 'agent_id', r.agent_id, 'app_id', r.app_id, 'run_id', r.run_id, 'metadata', r.metadata,
    'event_id', ${context.eventId ?? null}::text, 'timestamp', ${new Date().toISOString()}::text))`;
}

/**
 * Batch updates and deletes as sets: one statement changes every memory and writes its history entry and
 * webhook outbox row, plus two for entity links, whatever the number of memories.
 */
@Injectable()
export class BatchUpdatesRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly annotations: AnnotationsRepository,
  ) {}

  async targets(projectId: string, ids: string[]): Promise<Map<string, BatchTarget>> {
    const rows = await this.prisma.$queryRaw<(Omit<BatchTarget, 'scope'> & Scope)[]>`
      SELECT id::text, memory, immutable, user_id AS "userId", agent_id AS "agentId", app_id AS "appId",
        run_id AS "runId"
      FROM memories WHERE project_id = ${projectId}::uuid AND id = ANY(${ids}::uuid[])`;
    return new Map(rows.map(({ id, memory, immutable, ...scope }) => [id, { id, memory, immutable, scope }]));
  }

  /**
   * Applies changes to distinct memories inside `tx`, each with its UPDATE history entry and
   * `memory_update` webhook, then `memory_categorize` for a new text categorised already; a new text's
   * entity links are replaced (in a second statement). A new vector is left pending, outside the HNSW
   * index (inserting a thousand into the graph would take about a second here), for the IndexVectors job.
   * Returns the scopes of the memories updated; a memory missing here is left out of them.
   */
  async apply(tx: Tx, projectId: string, changes: BatchChange[], context: WriteContext): Promise<Map<string, Scope>> {
    const texts = changes.map((change) => change.text);
    const links = linkRows(
      changes.flatMap(({ id, text }) => (text ? [{ id, scope: text.scope, entities: text.annotation.entities }] : [])),
    );
    const categorised = changes.map((change) =>
      change.text?.categories.length
        ? JSON.stringify(categorizePayload(projectId, change.id, change.text.categories, context.eventId))
        : null,
    );
    const rows = await tx.$queryRaw<{ id: string; userId: string; agentId: string; appId: string; runId: string }[]>`
      WITH v AS (
        SELECT * FROM unnest(
          ${changes.map((change) => change.id)}::uuid[], ${texts.map(Boolean)}::bool[],
          ${texts.map((text) => text?.memory ?? null)}::text[], ${texts.map((text) => text?.hash ?? null)}::text[],
          ${texts.map((text) => text?.annotation.eventStart?.toISOString() ?? null)}::timestamptz[],
          ${texts.map((text) => text?.annotation.eventEnd?.toISOString() ?? null)}::timestamptz[],
          ${texts.map((text) => (text ? vectorLiteral(text.embedding) : null))}::text[],
          ${changes.map((change) => change.metadata !== undefined)}::bool[],
          ${changes.map((change) => jsonText(change.metadata))}::jsonb[],
          ${texts.map((text) => JSON.stringify(text?.categories ?? []))}::text[], ${categorised}::text[]
        ) WITH ORDINALITY AS v(id, new_text, memory, hash, event_start, event_end, embedding, new_metadata, metadata,
          categories, categorized, position)
      ),
      -- Locked first, so that the history shows the text each update replaced.
      old AS (
        SELECT m.id, m.memory FROM memories m JOIN v ON v.id = m.id
        WHERE m.project_id = ${projectId}::uuid FOR UPDATE OF m
      ),
      r AS (
        UPDATE memories m SET
          memory = CASE WHEN v.new_text THEN v.memory ELSE m.memory END,
          hash = CASE WHEN v.new_text THEN v.hash ELSE m.hash END,
          categories = CASE WHEN v.new_text THEN ARRAY(SELECT jsonb_array_elements_text(v.categories::jsonb))
            ELSE m.categories END,
          event_start = CASE WHEN v.new_text THEN v.event_start ELSE m.event_start END,
          event_end = CASE WHEN v.new_text THEN v.event_end ELSE m.event_end END,
          embedder = CASE WHEN v.new_text THEN ${context.embedder} ELSE m.embedder END,
          embedding = CASE WHEN v.new_text THEN NULL ELSE m.embedding END,
          pending_embedding = CASE WHEN v.new_text THEN v.embedding::vector ELSE m.pending_embedding END,
          metadata = CASE WHEN v.new_metadata THEN v.metadata ELSE m.metadata END,
          updated_at = now()
        FROM v JOIN old ON old.id = v.id
        WHERE m.project_id = ${projectId}::uuid AND m.id = v.id
        RETURNING m.id, m.memory, m.user_id, m.agent_id, m.app_id, m.run_id, m.categories, m.metadata,
          old.memory AS old_memory
      ),
      history AS (
        INSERT INTO memory_history (project_id, memory_id, event, old_memory, new_memory, input, user_id, agent_id,
          app_id, run_id, categories, metadata)
        SELECT ${projectId}::uuid, r.id, 'UPDATE', r.old_memory, r.memory, ${jsonText(context.input)}::jsonb,
          r.user_id, r.agent_id, r.app_id, r.run_id, coalesce(r.categories, '{}'), r.metadata
        FROM r
      ),
      outbox AS (
        INSERT INTO webhook_outbox (project_id, event_type, payload)
        SELECT ${projectId}::uuid, o.event_type, o.payload FROM (
          SELECT 'memory_update' AS event_type, ${outboxPayloadSql('UPDATE', context)} AS payload, 0 AS kind, v.position
          FROM r JOIN v ON v.id = r.id
          UNION ALL
          SELECT 'memory_categorize', v.categorized::jsonb, 1, v.position
          FROM r JOIN v ON v.id = r.id WHERE v.categorized IS NOT NULL
        ) o ORDER BY o.kind, o.position
      ),
      relinked AS (SELECT r.id FROM r JOIN v ON v.id = r.id WHERE v.new_text),
      unlinked AS (DELETE FROM memory_entity_links l USING relinked WHERE l.memory_id = relinked.id),
      named AS (${namedEntitiesSql(projectId, links, Prisma.raw('relinked'))})
      SELECT id::text, user_id AS "userId", agent_id AS "agentId", app_id AS "appId", run_id AS "runId" FROM r`;
    const scopes = new Map<string, Scope>(rows.map(({ id, ...scope }) => [id, scope]));
    await this.annotations.linkStored(
      tx,
      projectId,
      links.filter((link) => scopes.has(link.memoryId)),
    );
    return scopes;
  }
}

/**
 * Deletes the project's memories among `ids` inside `tx`, each with its DELETE history entry and
 * `memory_delete` webhook, in one statement; returns what went.
 */
export function deleteWithHistory(
  tx: Tx,
  projectId: string,
  ids: string[],
  context: WriteContext,
): Promise<{ id: string; memory: string }[]> {
  return tx.$queryRaw`
    WITH r AS (
      DELETE FROM memories WHERE project_id = ${projectId}::uuid AND id = ANY(${ids}::uuid[])
      RETURNING id, memory, user_id, agent_id, app_id, run_id, categories, metadata
    ),
    history AS (
      INSERT INTO memory_history (project_id, memory_id, event, old_memory, new_memory, input, user_id, agent_id,
        app_id, run_id, categories, metadata)
      SELECT ${projectId}::uuid, r.id, 'DELETE', r.memory, NULL, ${jsonText(context.input)}::jsonb,
        r.user_id, r.agent_id, r.app_id, r.run_id, coalesce(r.categories, '{}'), r.metadata
      FROM r
    ),
    outbox AS (
      INSERT INTO webhook_outbox (project_id, event_type, payload)
      SELECT ${projectId}::uuid, 'memory_delete', ${outboxPayloadSql('DELETE', context)} FROM r
    )
    SELECT id::text, memory FROM r`;
}
