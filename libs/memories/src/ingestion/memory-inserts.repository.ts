import { Injectable } from '@nestjs/common';
import { Memory, Prisma } from '@app/core';
import { EntityType } from '../memory/memory.types';
import { AnnotationsRepository, linkRows, namedEntitiesSql } from '../annotation/annotations.repository';
import {
  categorizePayload,
  jsonText,
  NewMemory,
  outboxPayload,
  scopeByType,
  scopeColumns,
  WriteContext,
} from '../memory/memory-rows';
import { vectorLiteral } from '../memory/vector';
import { MEMORY_ROW } from '../memory/memory-columns';

type Tx = Prisma.TransactionClient;

/**
 * Inserts an add's new memories with their vectors, ADD history entries, owners, named entities and
 * `memory_add` webhooks in one statement, and their entity links in a second, whatever the number of
 * memories: each kind of row goes as a few array parameters, with no per-row work in the client.
 */
@Injectable()
export class MemoryInsertsRepository {
  constructor(private readonly annotations: AnnotationsRepository) {}

  /**
   * Inserts new memories (ids chosen by the caller: a re-run skips the ones already there, and writes
   * nothing else for them). Adds call it inside `inScopes`, after their duplicate check, so that parallel
   * adds of a scope cannot both insert. Each history entry's input is the memory's own `input`, else the
   * context's (the add's messages). With `pendingVectors` the vectors wait beside the HNSW index for the
   * IndexVectors job (the caller queues it once committed), so the insert does no graph inserts. Returns
   * the memories inserted, in the order given.
   */
  async insertIn(
    tx: Tx,
    projectId: string,
    items: NewMemory[],
    context: WriteContext,
    { pendingVectors = false } = {},
  ): Promise<Memory[]> {
    if (items.length === 0) {
      return [];
    }
    const links = linkRows(
      items.map((item) => ({ id: item.id, scope: item.scope, entities: item.annotation.entities })),
    );
    const rows = await tx.$queryRaw<Memory[]>`
      WITH r AS (${memoryRows(items)}),
      inserted AS (
        INSERT INTO memories AS m (id, project_id, memory, hash, user_id, agent_id, app_id, run_id, metadata,
          immutable, expiration_date, source_event_id, created_at, updated_at, event_start, event_end, categories,
          embedder, ${Prisma.raw(pendingVectors ? 'pending_embedding' : 'embedding')})
        SELECT r.id, ${projectId}::uuid, r.memory, r.hash, r.user_id, r.agent_id, r.app_id, r.run_id,
          r.metadata::jsonb, r.immutable, r.expiration_date, r.source_event_id, r.created_at, r.created_at,
          r.event_start, r.event_end, ARRAY(SELECT jsonb_array_elements_text(r.categories::jsonb)),
          ${context.embedder}, r.embedding::vector
        FROM r
        ON CONFLICT (id) DO NOTHING
        RETURNING ${MEMORY_ROW}
      ),
      history AS (
        INSERT INTO memory_history (project_id, memory_id, event, new_memory, input, user_id, agent_id, app_id,
          run_id, metadata, created_at, updated_at)
        SELECT ${projectId}::uuid, r.id, 'ADD', r.memory, coalesce(r.input, ${jsonText(context.input)}::text)::jsonb,
          r.user_id, r.agent_id, r.app_id, r.run_id, r.metadata::jsonb, r.created_at, r.created_at
        FROM r JOIN inserted ON inserted.id = r.id
        ORDER BY r.position
      ),
      owners AS (${ownersSql(projectId, items)}),
      named AS (${namedEntitiesSql(projectId, links, Prisma.raw('inserted'))}),
      outbox AS (${outboxSql(projectId, items, context)})
      SELECT * FROM inserted`;
    const order = new Map(items.map((item, index) => [item.id, index]));
    rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    const inserted = new Set(rows.map((row) => row.id));
    await this.annotations.linkStored(
      tx,
      projectId,
      links.filter((link) => inserted.has(link.memoryId)),
    );
    return rows;
  }
}

/** The rows to insert, one array parameter per column, numbered in order. */
function memoryRows(items: NewMemory[]): Prisma.Sql {
  const scopes = items.map((item) => scopeColumns(item.scope));
  return Prisma.sql`
    SELECT * FROM unnest(${items.map((item) => item.id)}::uuid[], ${items.map((item) => item.memory)}::text[],
      ${items.map((item) => item.hash)}::text[], ${scopes.map((scope) => scope.userId)}::text[],
      ${scopes.map((scope) => scope.agentId)}::text[], ${scopes.map((scope) => scope.appId)}::text[],
      ${scopes.map((scope) => scope.runId)}::text[], ${items.map((item) => jsonText(item.metadata))}::text[],
      ${items.map((item) => item.immutable)}::boolean[],
      ${items.map((item) => item.expirationDate?.toISOString().slice(0, 10) ?? null)}::date[],
      ${items.map((item) => item.sourceEventId)}::uuid[], ${items.map((item) => item.createdAt.toISOString())}::timestamptz[],
      ${items.map((item) => item.annotation.eventStart?.toISOString() ?? null)}::timestamptz[],
      ${items.map((item) => item.annotation.eventEnd?.toISOString() ?? null)}::timestamptz[],
      ${items.map((item) => JSON.stringify(item.categories ?? []))}::text[],
      ${items.map((item) => vectorLiteral(item.embedding))}::text[], ${items.map((item) => jsonText(item.input))}::text[])
      WITH ORDINALITY AS r(id, memory, hash, user_id, agent_id, app_id, run_id, metadata, immutable,
        expiration_date, source_event_id, created_at, event_start, event_end, categories, embedding, input, position)`;
}

/** The owners (user, agent, app, run) of the memories inserted, in a fixed order so that concurrent adds cannot deadlock. */
function ownersSql(projectId: string, items: NewMemory[]): Prisma.Sql {
  const owners = items.flatMap((item) =>
    (Object.entries(scopeByType(item.scope)) as [EntityType, string | null][]).flatMap(([type, name]) =>
      name ? [{ id: item.id, type, name }] : [],
    ),
  );
  return Prisma.sql`
    INSERT INTO entities (project_id, type, name)
    SELECT DISTINCT ${projectId}::uuid, o.type, o.name
    FROM unnest(${owners.map((owner) => owner.id)}::uuid[], ${owners.map((owner) => owner.type)}::text[],
      ${owners.map((owner) => owner.name)}::text[]) AS o(memory_id, type, name)
    JOIN inserted ON inserted.id = o.memory_id
    ORDER BY o.type, o.name
    ON CONFLICT (project_id, type, name) DO NOTHING`;
}

/**
 * Each memory inserted's `memory_add` webhook, naming the add that stored it (several adds may be written
 * together), then a `memory_categorize` for those categorised before the insert.
 */
function outboxSql(projectId: string, items: NewMemory[], context: WriteContext): Prisma.Sql {
  const eventOf = (item: NewMemory) => item.sourceEventId ?? context.eventId;
  const rows = [
    ...items.map((item) => ({
      id: item.id,
      type: 'memory_add',
      payload: outboxPayload(item.id, 'ADD', item.memory, item.scope, item.metadata, eventOf(item)),
    })),
    ...items
      .filter((item) => item.categories?.length)
      .map((item) => ({
        id: item.id,
        type: 'memory_categorize',
        payload: categorizePayload(projectId, item.id, item.categories!, eventOf(item)),
      })),
  ];
  return Prisma.sql`
    INSERT INTO webhook_outbox (project_id, event_type, payload)
    SELECT ${projectId}::uuid, o.event_type, o.payload::jsonb
    FROM unnest(${rows.map((row) => row.id)}::uuid[], ${rows.map((row) => row.type)}::text[],
      ${rows.map((row) => JSON.stringify(row.payload))}::text[]) WITH ORDINALITY AS o(memory_id, event_type, payload, position)
    JOIN inserted ON inserted.id = o.memory_id
    ORDER BY o.position`;
}
