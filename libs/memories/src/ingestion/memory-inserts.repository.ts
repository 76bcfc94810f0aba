import { Injectable } from '@nestjs/common';
import { Memory, Prisma } from '@app/core';
import { EntityType, Scope } from '../memory/memory.types';
import { AnnotationsRepository } from '../annotation/annotations.repository';
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

type Tx = Prisma.TransactionClient;

/** One array per column: each statement below sends an add's rows as a few array parameters, whatever their number. */
function columnsOf(items: NewMemory[]) {
  const scopes = items.map((item) => scopeColumns(item.scope));
  return {
    ids: items.map((item) => item.id),
    texts: items.map((item) => item.memory),
    users: scopes.map((scope) => scope.userId),
    agents: scopes.map((scope) => scope.agentId),
    apps: scopes.map((scope) => scope.appId),
    runs: scopes.map((scope) => scope.runId),
    metadata: items.map((item) => jsonText(item.metadata)),
    created: items.map((item) => item.createdAt.toISOString()),
  };
}

/**
 * Inserts an add's new memories with their vectors, entity links, ADD history entries, owners and
 * `memory_add` webhooks: one statement per kind of row, so an add of many memories costs a few round
 * trips and no per-row work in the client.
 */
@Injectable()
export class MemoryInsertsRepository {
  constructor(private readonly annotations: AnnotationsRepository) {}

  /**
   * Inserts new memories (ids chosen by the caller: a re-run skips the ones already there). Adds call it
   * inside `inScopes`, after their duplicate check, so that parallel adds of a scope cannot both insert.
   * Each history entry's input is the memory's own `input`, else the context's (the add's messages).
   */
  async insertIn(tx: Tx, projectId: string, items: NewMemory[], context: WriteContext): Promise<Memory[]> {
    if (items.length === 0) {
      return [];
    }
    const inserted = await this.insertMemories(tx, projectId, items, context.embedder);
    const fresh = items.filter((item) => inserted.has(item.id));
    if (fresh.length === 0) {
      return [];
    }
    await this.annotations.link(
      tx,
      projectId,
      fresh.map((item) => ({ id: item.id, scope: item.scope, entities: item.annotation.entities })),
    );
    await this.insertHistory(tx, projectId, fresh, context.input);
    await this.upsertEntities(
      tx,
      projectId,
      fresh.map((item) => item.scope),
    );
    await this.insertOutbox(tx, projectId, fresh, context);
    const rows = await tx.memory.findMany({ where: { projectId, id: { in: fresh.map((item) => item.id) } } });
    const order = new Map(fresh.map((item, index) => [item.id, index]));
    return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  }

  /**
   * Each memory's `memory_add` webhook, naming the add that stored it (several adds may be written
   * together), then a `memory_categorize` for those categorised before the insert.
   */
  private async insertOutbox(tx: Tx, projectId: string, items: NewMemory[], context: WriteContext): Promise<void> {
    const eventOf = (item: NewMemory) => item.sourceEventId ?? context.eventId;
    const rows: [string, Prisma.InputJsonValue][] = [
      ...items.map((item): [string, Prisma.InputJsonValue] => [
        'memory_add',
        outboxPayload(item.id, 'ADD', item.memory, item.scope, item.metadata, eventOf(item)),
      ]),
      ...items
        .filter((item) => item.categories?.length)
        .map((item): [string, Prisma.InputJsonValue] => [
          'memory_categorize',
          categorizePayload(projectId, item.id, item.categories!, eventOf(item)),
        ]),
    ];
    await tx.$executeRaw`
      INSERT INTO webhook_outbox (project_id, event_type, payload)
      SELECT ${projectId}::uuid, r.event_type, r.payload::jsonb
      FROM unnest(${rows.map(([type]) => type)}::text[], ${rows.map(([, payload]) => JSON.stringify(payload))}::text[])
        WITH ORDINALITY AS r(event_type, payload, position)
      ORDER BY r.position`;
  }

  /** The ids actually inserted (an id already taken is skipped). */
  private async insertMemories(tx: Tx, projectId: string, items: NewMemory[], embedder: string): Promise<Set<string>> {
    const { ids, texts, users, agents, apps, runs, metadata, created } = columnsOf(items);
    const hashes = items.map((item) => item.hash);
    const immutable = items.map((item) => item.immutable);
    const expirations = items.map((item) => item.expirationDate?.toISOString().slice(0, 10) ?? null);
    const sources = items.map((item) => item.sourceEventId);
    const starts = items.map((item) => item.annotation.eventStart?.toISOString() ?? null);
    const ends = items.map((item) => item.annotation.eventEnd?.toISOString() ?? null);
    const vectors = items.map((item) => vectorLiteral(item.embedding));
    // One JSON list per row: unnest flattens an array of arrays.
    const categories = items.map((item) => JSON.stringify(item.categories ?? []));
    const rows = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO memories (id, project_id, memory, hash, user_id, agent_id, app_id, run_id, metadata, immutable,
        expiration_date, source_event_id, created_at, updated_at, event_start, event_end, categories, embedder,
        embedding)
      SELECT r.id, ${projectId}::uuid, r.memory, r.hash, r.user_id, r.agent_id, r.app_id, r.run_id, r.metadata::jsonb,
        r.immutable, r.expiration_date, r.source_event_id, r.created_at, r.created_at, r.event_start, r.event_end,
        ARRAY(SELECT jsonb_array_elements_text(r.categories::jsonb)), ${embedder}, r.embedding::vector
      FROM unnest(${ids}::uuid[], ${texts}::text[], ${hashes}::text[], ${users}::text[], ${agents}::text[],
        ${apps}::text[], ${runs}::text[], ${metadata}::text[], ${immutable}::boolean[], ${expirations}::date[],
        ${sources}::uuid[], ${created}::timestamptz[], ${starts}::timestamptz[], ${ends}::timestamptz[],
        ${categories}::text[], ${vectors}::text[])
        AS r(id, memory, hash, user_id, agent_id, app_id, run_id, metadata, immutable, expiration_date,
          source_event_id, created_at, event_start, event_end, categories, embedding)
      ON CONFLICT (id) DO NOTHING
      RETURNING id`;
    return new Set(rows.map((row) => row.id));
  }

  /** The add's messages go once, as one parameter, however many entries share them. */
  private async insertHistory(tx: Tx, projectId: string, items: NewMemory[], shared: unknown): Promise<void> {
    const { ids, texts, users, agents, apps, runs, metadata, created } = columnsOf(items);
    const inputs = items.map((item) => jsonText(item.input));
    await tx.$executeRaw`
      INSERT INTO memory_history (project_id, memory_id, event, new_memory, input, user_id, agent_id, app_id, run_id,
        metadata, created_at, updated_at)
      SELECT ${projectId}::uuid, r.id, 'ADD', r.memory, coalesce(r.input, ${jsonText(shared)}::text)::jsonb,
        r.user_id, r.agent_id, r.app_id, r.run_id, r.metadata::jsonb, r.created_at, r.created_at
      FROM unnest(${ids}::uuid[], ${texts}::text[], ${inputs}::text[], ${users}::text[], ${agents}::text[],
        ${apps}::text[], ${runs}::text[], ${metadata}::text[], ${created}::timestamptz[])
        AS r(id, memory, input, user_id, agent_id, app_id, run_id, metadata, created_at)`;
  }

  /** The scopes' entities, in a fixed order so that concurrent adds naming the same new ones cannot deadlock. */
  private async upsertEntities(tx: Tx, projectId: string, scopes: Scope[]): Promise<void> {
    const entities = new Map<string, { type: EntityType; name: string }>();
    for (const scope of scopes) {
      for (const [type, name] of Object.entries(scopeByType(scope)) as [EntityType, string | null][]) {
        if (name) {
          entities.set(`${type}\u0000${name}`, { type, name });
        }
      }
    }
    if (entities.size === 0) {
      return;
    }
    const sorted = [...entities.keys()].sort().map((key) => entities.get(key)!);
    await tx.$executeRaw`
      INSERT INTO entities (project_id, type, name)
      SELECT ${projectId}::uuid, e.type, e.name
      FROM unnest(${sorted.map((entity) => entity.type)}::text[], ${sorted.map((entity) => entity.name)}::text[])
        WITH ORDINALITY AS e(type, name, position)
      ORDER BY e.position
      ON CONFLICT (project_id, type, name) DO NOTHING`;
  }
}
