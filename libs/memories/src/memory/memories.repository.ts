import { Injectable } from '@nestjs/common';
import { Memory, MemoryHistory, Prisma, PrismaService } from '@app/core';
import { DeleteSelector, Scope } from './memory.types';
import {
  categorizePayload,
  historyRow,
  json,
  outboxRow,
  scopeColumns,
  scopeLockId,
  scopeOf,
  MemoryChange,
  SimilarRow,
  WriteContext,
} from './memory-rows';
import { AnnotationsRepository } from '../annotation/annotations.repository';
import { deleteWithHistory } from '../batch/batch-updates.repository';
import { vectorLiteral } from './vector';
import { MEMORY_VECTOR } from './memory-columns';

type Tx = Prisma.TransactionClient;
/** Reads that may run inside a transaction (under its scope locks) or on their own. */
type Db = Tx | PrismaService;

/** Every write records history and a webhook outbox row in the same transaction as the change. */
@Injectable()
export class MemoriesRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly annotations: AnnotationsRepository,
  ) {}

  findById(projectId: string, id: string, db: Db = this.prisma): Promise<Memory | null> {
    return db.memory.findFirst({ where: { projectId, id } });
  }

  findByIds(projectId: string, ids: string[]): Promise<Memory[]> {
    return this.prisma.memory.findMany({ where: { projectId, id: { in: ids } } });
  }

  /** Memories an add event created, in creation order. */
  bySourceEvent(projectId: string, eventId: string, db: Db = this.prisma): Promise<Memory[]> {
    return this.bySourceEvents(projectId, [eventId], db);
  }

  /** Memories these add events created. */
  bySourceEvents(projectId: string, eventIds: string[], db: Db = this.prisma): Promise<Memory[]> {
    return db.memory.findMany({ where: { projectId, sourceEventId: { in: eventIds } }, orderBy: { id: 'asc' } });
  }

  /** The first memory of exactly this scope with each of these hashes. */
  async firstByHash(
    projectId: string,
    scope: Scope,
    hashes: string[],
    db: Db = this.prisma,
  ): Promise<Map<string, Memory>> {
    const rows = await db.memory.findMany({
      where: { projectId, hash: { in: hashes }, ...scopeColumns(scope) },
      orderBy: { createdAt: 'desc' },
    });
    return new Map(rows.map((row) => [row.hash, row]));
  }

  /**
   * Each fact's memories of exactly its scope most similar to it, best first (exact scan: scopes are small).
   * One statement for all the scopes that name the same kinds of entity. `active`: only extracted memories
   * nothing replaced.
   */
  async similarByFact(
    projectId: string,
    embedder: string,
    facts: { scope: Scope; vector: number[] }[],
    limit: number,
    db: Db = this.prisma,
    active = false,
  ): Promise<SimilarRow[][]> {
    const found = facts.map((): SimilarRow[] => []);
    const byShape = new Map<string, number[]>();
    for (const [index, fact] of facts.entries()) {
      const shape = SCOPE_COLUMNS.map(([key]) => (scopeColumns(fact.scope)[key] === null ? '-' : '+')).join('');
      byShape.set(shape, [...(byShape.get(shape) ?? []), index]);
    }
    for (const group of byShape.values()) {
      const similar = await this.similarInShape(
        projectId,
        group.map((index) => facts[index]),
        embedder,
        limit,
        db,
        active,
      );
      group.forEach((index, position) => (found[index] = similar[position]));
    }
    return found;
  }

  /** Facts whose scopes leave the same entity columns empty: each compared with exactly its own scope. */
  private async similarInShape(
    projectId: string,
    facts: { scope: Scope; vector: number[] }[],
    embedder: string,
    limit: number,
    db: Db,
    active: boolean,
  ): Promise<SimilarRow[][]> {
    const scopes = facts.map((fact) => scopeColumns(fact.scope));
    const sameScope = Prisma.join(
      SCOPE_COLUMNS.map(([key, column]) =>
        Prisma.raw(scopes[0][key] === null ? `m.${column} IS NULL` : `m.${column} = q.${column}`),
      ),
      ' AND ',
    );
    const rows = await db.$queryRaw<(SimilarRow & { ord: number })[]>`
      SELECT q.ord::int AS ord, s.id, s.memory, s.similarity
      FROM unnest(${facts.map((fact) => vectorLiteral(fact.vector))}::text[]::vector[],
        ${scopes.map((scope) => scope.userId)}::text[], ${scopes.map((scope) => scope.agentId)}::text[],
        ${scopes.map((scope) => scope.appId)}::text[], ${scopes.map((scope) => scope.runId)}::text[])
        WITH ORDINALITY AS q(vector, user_id, agent_id, app_id, run_id, ord)
      CROSS JOIN LATERAL (
        SELECT m.id, m.memory, 1 - (${MEMORY_VECTOR} <=> q.vector) AS similarity
        FROM memories m
        WHERE m.project_id = ${projectId}::uuid AND m.embedder = ${embedder} AND ${sameScope}
          ${active ? Prisma.sql`AND m.lifecycle_state = 'active' AND NOT m.synthesized` : Prisma.empty}
        ORDER BY ${MEMORY_VECTOR} <=> q.vector
        LIMIT ${limit}
      ) s
      ORDER BY q.ord, s.similarity DESC`;
    const byFact = facts.map((): SimilarRow[] => []);
    for (const { ord, ...row } of rows) {
      byFact[ord - 1].push(row);
    }
    return byFact;
  }

  /**
   * Each scope's recent add inputs (oldest first), the context for reference resolution: the ADD history
   * entries of its user and run (each when set), one statement for all the scopes.
   */
  async recentInputs(projectId: string, scopes: Scope[], limit: number): Promise<unknown[][]> {
    const rows = await this.prisma.$queryRaw<{ ord: number; input: unknown }[]>`
      SELECT k.ord::int AS ord, h.input
      FROM unnest(${scopes.map((scope) => scope.userId ?? null)}::text[], ${scopes.map((scope) => scope.runId ?? null)}::text[])
        WITH ORDINALITY AS k(user_id, run_id, ord)
      CROSS JOIN LATERAL (
        SELECT h.input, h.created_at FROM memory_history h
        WHERE h.project_id = ${projectId}::uuid AND h.event = 'ADD'
          AND (k.user_id IS NULL OR h.user_id = k.user_id) AND (k.run_id IS NULL OR h.run_id = k.run_id)
        ORDER BY h.created_at DESC
        LIMIT ${limit}
      ) h
      ORDER BY k.ord, h.created_at`;
    const byScope = scopes.map((): unknown[] => []);
    for (const { ord, input } of rows) {
      byScope[ord - 1].push(input);
    }
    return byScope;
  }

  /** Applies a change with its UPDATE history entry and `memory_update` webhook; null when gone. */
  update(projectId: string, id: string, change: MemoryChange, context: WriteContext): Promise<Memory | null> {
    return this.transaction((tx) => this.updateIn(tx, projectId, id, change, context));
  }

  async updateIn(
    tx: Tx,
    projectId: string,
    id: string,
    change: MemoryChange,
    context: WriteContext,
  ): Promise<Memory | null> {
    const before = await tx.memory.findFirst({ where: { projectId, id } });
    if (!before) {
      return null;
    }
    const after = await tx.memory.update({
      where: { id },
      data: {
        memory: change.memory,
        hash: change.hash,
        metadata: change.metadata === undefined ? undefined : json(change.metadata),
        createdAt: change.createdAt,
        expirationDate: change.expirationDate,
        // An empty list means "not categorised yet" (served as null).
        categories: change.categories === undefined ? undefined : (change.categories ?? []),
        eventStart: change.annotation?.eventStart,
        eventEnd: change.annotation?.eventEnd,
        updatedAt: new Date(),
      },
    });
    if (change.annotation) {
      await this.annotations.relink(tx, projectId, { id, scope: scopeOf(after), entities: change.annotation.entities });
    }
    if (change.embedding) {
      await this.writeEmbeddings(tx, projectId, context.embedder, [[id, change.embedding]]);
    }
    await tx.memoryHistory.create({
      data: historyRow(projectId, after, 'UPDATE', before.memory, after.memory, context),
    });
    await tx.webhookOutbox.create({ data: outboxRow(projectId, after, 'UPDATE', context) });
    return after;
  }

  /** Deletes with a DELETE history entry (kept readable) and a `memory_delete` webhook; false when gone. */
  delete(projectId: string, id: string, context: WriteContext): Promise<boolean> {
    return this.transaction(async (tx) => (await this.deleteIn(tx, projectId, [id], context)).length > 0);
  }

  deleteIn(tx: Tx, projectId: string, ids: string[], context: WriteContext): Promise<{ id: string; memory: string }[]> {
    return deleteWithHistory(tx, projectId, ids, context);
  }

  /** Sets categories with a `memory_categorize` webhook each, as one batch transaction (no connection held across awaits). */
  /**
   * Each memory's categories and its `memory_categorize` webhook, in one statement whatever their number; a
   * memory deleted meanwhile gets neither.
   */
  async setCategories(
    projectId: string,
    assignments: { id: string; categories: string[] }[],
    eventId: string | undefined,
  ): Promise<void> {
    if (assignments.length === 0) {
      return;
    }
    await this.prisma.$executeRaw`
      WITH a AS (
        SELECT * FROM unnest(${assignments.map(({ id }) => id)}::uuid[],
          ${assignments.map(({ categories }) => JSON.stringify(categories))}::text[],
          ${assignments.map(({ id, categories }) => JSON.stringify(categorizePayload(projectId, id, categories, eventId)))}::text[])
          WITH ORDINALITY AS a(id, categories, payload, position)
      ),
      r AS (
        UPDATE memories m SET categories = ARRAY(SELECT jsonb_array_elements_text(a.categories::jsonb))
        FROM a WHERE m.project_id = ${projectId}::uuid AND m.id = a.id
        RETURNING m.id
      )
      INSERT INTO webhook_outbox (project_id, event_type, payload)
      SELECT ${projectId}::uuid, 'memory_categorize', a.payload::jsonb FROM a JOIN r ON r.id = a.id ORDER BY a.position`;
  }

  history(projectId: string, memoryId: string): Promise<MemoryHistory[]> {
    return this.prisma.memoryHistory.findMany({ where: { projectId, memoryId }, orderBy: { createdAt: 'asc' } });
  }

  /** Older memories whose `replaced_by` chain leads to this one (delete_linked). */
  async linkedChain(projectId: string, id: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      WITH RECURSIVE chain AS (
        SELECT id FROM memories WHERE project_id = ${projectId}::uuid AND replaced_by = ${id}::uuid
        UNION SELECT m.id FROM memories m JOIN chain c ON m.replaced_by = c.id WHERE m.project_id = ${projectId}::uuid
      ) SELECT id FROM chain`;
    return rows.map((row) => row.id);
  }

  /**
   * Ids of memories matching a delete selector, a batch at a time. Each `*` names an entity type
   * whose memories all go (any of the wildcarded types: `user_id=*&agent_id=*` is every user's and
   * every agent's memory); all four `*` wipe the whole project. Named ids must all match.
   */
  async idsMatching(projectId: string, selector: DeleteSelector, limit: number): Promise<string[]> {
    const conditions: Prisma.Sql[] = [Prisma.sql`project_id = ${projectId}::uuid`];
    const columns = { userId: 'user_id', agentId: 'agent_id', appId: 'app_id', runId: 'run_id' } as const;
    const wildcards: Prisma.Sql[] = [];
    for (const [key, column] of Object.entries(columns) as [keyof Scope, string][]) {
      const value = selector.scope[key];
      if (value === '*') {
        wildcards.push(Prisma.sql`${Prisma.raw(column)} IS NOT NULL`);
      } else if (value) {
        conditions.push(Prisma.sql`${Prisma.raw(column)} = ${value}`);
      }
    }
    if (wildcards.length > 0 && wildcards.length < Object.keys(columns).length) {
      conditions.push(Prisma.sql`(${Prisma.join(wildcards, ' OR ')})`);
    }
    if (selector.metadata && Object.keys(selector.metadata).length > 0) {
      conditions.push(Prisma.sql`metadata @> ${JSON.stringify(selector.metadata)}::jsonb`);
    }
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM memories WHERE ${Prisma.join(conditions, ' AND ')} LIMIT ${limit}`;
    return rows.map((row) => row.id);
  }

  async counts(projectId: string): Promise<{ total: number }> {
    return { total: await this.prisma.memory.count({ where: { projectId } }) };
  }

  /** The stored vectors of these memories by id (pgvector's text form is a JSON array); absent when none. */
  async embeddings(projectId: string, ids: string[]): Promise<Map<string, number[]>> {
    if (ids.length === 0) {
      return new Map();
    }
    const rows = await this.prisma.$queryRaw<{ id: string; embedding: string }[]>`
      SELECT m.id, ${MEMORY_VECTOR}::text AS embedding FROM memories m
      WHERE m.project_id = ${projectId}::uuid AND m.id = ANY(${ids}::uuid[]) AND ${MEMORY_VECTOR} IS NOT NULL`;
    return new Map(rows.map((row) => [row.id, JSON.parse(row.embedding) as number[]]));
  }

  /**
   * Runs `fn` in a transaction holding one advisory lock per scope, so that writers of a scope check for
   * duplicates and insert one after another. Locks are taken in id order (no deadlock between two writers of
   * the same scopes) and go with the commit.
   */
  /** A transaction holding the scopes' advisory locks, taken in one statement in a fixed order (no deadlock). */
  inScopes<T>(projectId: string, scopes: Scope[], fn: (tx: Tx) => Promise<T>): Promise<T> {
    const ids = [...new Set(scopes.map((scope) => scopeLockId(projectId, scope)))]
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map(String);
    return this.transaction(async (tx) => {
      if (ids.length > 0) {
        await tx.$queryRaw`SELECT count(pg_advisory_xact_lock(id)) FROM unnest(${ids}::bigint[]) AS id`;
      }
      return fn(tx);
    });
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    // A busy pool (many worker jobs) may make a transaction wait for a connection: wait, don't fail.
    return this.prisma.$transaction(fn, { timeout: 60_000, maxWait: 30_000 });
  }

  private async writeEmbeddings(
    tx: Tx,
    projectId: string,
    embedder: string,
    rows: [string, number[]][],
  ): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    const values = rows.map(([id, vector]) => Prisma.sql`(${id}::uuid, ${vectorLiteral(vector)}::vector)`);
    await tx.$executeRaw`
      UPDATE memories m SET embedder = ${embedder}, embedding = v.embedding, pending_embedding = NULL
      FROM (VALUES ${Prisma.join(values)}) AS v(id, embedding)
      WHERE m.id = v.id AND m.project_id = ${projectId}::uuid`;
  }
}

/** The entity columns, in the order the similarity statement sends them. */
const SCOPE_COLUMNS = [
  ['userId', 'user_id'],
  ['agentId', 'agent_id'],
  ['appId', 'app_id'],
  ['runId', 'run_id'],
] as const;
