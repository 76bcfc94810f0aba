import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@app/core';
import { compileFilter, FilterNode } from '@app/filters';
import { scopeByType } from '../memory/memory-rows';
import { ExportedMemoryRow, PortableEntity, PortableHistory, PortableLine, PortableMemory } from './portable.types';
import { vectorLiteral } from '../memory/vector';
import { MEMORY_VECTOR } from '../memory/memory-columns';

type Tx = Prisma.TransactionClient;

/** UTC with microseconds: Prisma's Date would drop them, and a lossless copy must not. */
const ts = (column: string) =>
  Prisma.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"') AS ${column.split('.')[1]}`);

const MEMORY_COLUMNS = Prisma.join([
  Prisma.raw(
    'm.id, m.memory, m.hash, m.user_id, m.agent_id, m.app_id, m.run_id, m.metadata, m.categories, m.immutable, ' +
      `to_char(m.expiration_date, 'YYYY-MM-DD') AS expiration_date, m.lifecycle_state, m.replaced_by, m.synthesized, ` +
      'm.source_event_id, m.embedder',
  ),
  Prisma.sql`${MEMORY_VECTOR}::text AS embedding`,
  ts('m.created_at'),
  ts('m.updated_at'),
]);

const HISTORY_COLUMNS = Prisma.join([
  Prisma.raw(
    'h.id, h.memory_id, h.event, h.old_memory, h.new_memory, h.input, h.user_id, h.agent_id, h.app_id, h.run_id, ' +
      'h.categories, h.metadata',
  ),
  ts('h.created_at'),
  ts('h.updated_at'),
]);

/** Row shapes of jsonb_to_recordset: every column typed as the table declares it. */
const MEMORY_RECORD = Prisma.raw(
  'r(id uuid, memory text, hash text, user_id text, agent_id text, app_id text, run_id text, metadata jsonb, ' +
    'categories text[], immutable boolean, expiration_date date, lifecycle_state text, replaced_by uuid, ' +
    'synthesized boolean, source_event_id uuid, embedder text, embedding text, created_at timestamptz, ' +
    'updated_at timestamptz)',
);
const HISTORY_RECORD = Prisma.raw(
  'r(id uuid, memory_id uuid, event text, old_memory text, new_memory text, input jsonb, user_id text, ' +
    'agent_id text, app_id text, run_id text, categories text[], metadata jsonb, created_at timestamptz, ' +
    'updated_at timestamptz)',
);

export interface ImportedCounts {
  memories: number;
  history: number;
  entities: number;
}

/** Reads a project for a lossless export and writes one back, ids and timestamps unchanged. */
@Injectable()
export class PortabilityRepository {
  constructor(private readonly prisma: PrismaService) {}

  async projectExists(projectId: string): Promise<boolean> {
    return (await this.prisma.project.count({ where: { id: projectId } })) > 0;
  }

  /** The embedder and dimensions of one stored vector of the project (null when it has none). */
  async embedderOf(projectId: string): Promise<{ embedder: string | null; dimensions: number | null }> {
    const [row] = await this.prisma.$queryRaw<{ embedder: string; dimensions: number }[]>`
      SELECT m.embedder, vector_dims(${MEMORY_VECTOR}) AS dimensions FROM memories m
      WHERE m.project_id = ${projectId}::uuid AND ${MEMORY_VECTOR} IS NOT NULL LIMIT 1`;
    return { embedder: row?.embedder ?? null, dimensions: row?.dimensions ?? null };
  }

  async countMemories(projectId: string, filter: FilterNode | null): Promise<number> {
    const [{ count }] = await this.prisma.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM memories m WHERE ${where(projectId, filter)}`;
    return count;
  }

  /**
   * The next page by id (keyset). Sorting is disabled for the statement so the planner walks the primary
   * key in order and stops after `limit` rows: a bitmap scan of the project's rows plus a sort would
   * read the whole rest of the project for every page (quadratic on a large project).
   */
  async memoryPage(projectId: string, filter: FilterNode | null, after: string | null, limit: number) {
    const next = after ? Prisma.sql`AND m.id > ${after}::uuid` : Prisma.empty;
    const [, rows] = await this.prisma.$transaction([
      this.prisma.$executeRaw`SET LOCAL enable_sort = off`,
      this.prisma.$queryRaw<ExportedMemoryRow[]>`
        SELECT ${MEMORY_COLUMNS} FROM memories m WHERE ${where(projectId, filter)} ${next} ORDER BY m.id LIMIT ${limit}`,
    ]);
    return rows;
  }

  /** History of these memories, oldest first per memory, grouped by memory id. */
  async historyOf(projectId: string, memoryIds: string[]): Promise<Map<string, PortableHistory[]>> {
    const rows = memoryIds.length
      ? await this.prisma.$queryRaw<(PortableHistory & { memory_id: string })[]>`
          SELECT ${HISTORY_COLUMNS} FROM memory_history h
          WHERE h.project_id = ${projectId}::uuid AND h.memory_id = ANY(${memoryIds}::uuid[])
          ORDER BY h.memory_id, h.created_at, h.id`
      : [];
    const byMemory = new Map<string, PortableHistory[]>();
    for (const { memory_id: memoryId, ...entry } of rows) {
      byMemory.set(memoryId, [...(byMemory.get(memoryId) ?? []), entry]);
    }
    return byMemory;
  }

  /** Ids of deleted memories whose history remains, the next page by id. */
  async deletedPage(projectId: string, after: string | null, limit: number): Promise<string[]> {
    const next = after ? Prisma.sql`AND h.memory_id > ${after}::uuid` : Prisma.empty;
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT DISTINCT h.memory_id AS id FROM memory_history h
      WHERE h.project_id = ${projectId}::uuid ${next}
        AND NOT EXISTS (SELECT 1 FROM memories m WHERE m.id = h.memory_id)
      ORDER BY h.memory_id LIMIT ${limit}`;
    return rows.map((row) => row.id);
  }

  async countDeleted(projectId: string): Promise<number> {
    const [{ count }] = await this.prisma.$queryRaw<{ count: number }[]>`
      SELECT count(DISTINCT h.memory_id)::int AS count FROM memory_history h
      WHERE h.project_id = ${projectId}::uuid AND NOT EXISTS (SELECT 1 FROM memories m WHERE m.id = h.memory_id)`;
    return count;
  }

  entities(projectId: string): Promise<PortableEntity[]> {
    return this.prisma.$queryRaw<PortableEntity[]>`
      SELECT e.type, e.name, e.metadata, e.explicit, ${ts('e.created_at')}, ${ts('e.updated_at')}
      FROM entities e WHERE e.project_id = ${projectId}::uuid ORDER BY e.id`;
  }

  /**
   * Writes one batch in one transaction: rows whose id is already in this project are skipped; an id
   * held by another project aborts the batch with the line that carries it.
   */
  importBatch(projectId: string, lines: PortableLine[]): Promise<ImportedCounts> {
    const memories = lines.flatMap((line) => (line.kind === 'memory' ? [{ ...line.memory, line: line.line }] : []));
    const history = lines.flatMap((line) =>
      line.kind === 'memory'
        ? line.memory.history.map((entry) => ({ ...entry, memory_id: line.memory.id, line: line.line }))
        : line.kind === 'deleted'
          ? line.history.map((entry) => ({ ...entry, memory_id: line.memoryId, line: line.line }))
          : [],
    );
    const entities = [
      ...lines.flatMap((line) => (line.kind === 'entity' ? [line.entity] : [])),
      ...memories.flatMap(implicitEntities),
    ];
    return this.prisma.$transaction(
      async (tx) => {
        await refuseForeign(tx, projectId, 'memories', memories);
        await refuseForeign(tx, projectId, 'memory_history', history);
        return {
          memories: await insertMemories(tx, projectId, memories),
          history: await insertHistory(tx, projectId, history),
          entities: await insertEntities(tx, projectId, uniqueEntities(entities)),
        };
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
  }
}

function where(projectId: string, filter: FilterNode | null): Prisma.Sql {
  const scoped = Prisma.sql`m.project_id = ${projectId}::uuid`;
  return filter ? Prisma.sql`${scoped} AND ${compileFilter(filter, 'm')}` : scoped;
}

async function refuseForeign(
  tx: Tx,
  projectId: string,
  table: 'memories' | 'memory_history',
  rows: { id: string; line: number }[],
): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const foreign = await tx.$queryRaw<{ id: string; project_id: string }[]>`
    SELECT id, project_id FROM ${Prisma.raw(table)}
    WHERE id = ANY(${rows.map((row) => row.id)}::uuid[]) AND project_id <> ${projectId}::uuid`;
  const owners = new Map(foreign.map((row) => [row.id, row.project_id]));
  const first = rows.find((row) => owners.has(row.id));
  if (first) {
    const what = table === 'memories' ? 'Memory' : 'History entry';
    throw new Error(
      `line ${first.line}: ${what} ${first.id} already exists in another project (${owners.get(first.id)}) of this ` +
        'database; ids are unique per database, so import into a project of another database (or remove it there first)',
    );
  }
}

async function insertMemories(tx: Tx, projectId: string, memories: (PortableMemory & { line: number })[]) {
  if (memories.length === 0) {
    return 0;
  }
  const records = memories.map(({ history: _history, line: _line, embedding, ...columns }) => ({
    ...columns,
    embedding: embedding ? vectorLiteral(embedding) : null,
  }));
  return tx.$executeRaw`
    INSERT INTO memories (id, project_id, memory, hash, user_id, agent_id, app_id, run_id, metadata, categories,
      immutable, expiration_date, lifecycle_state, replaced_by, synthesized, source_event_id, embedder, embedding,
      created_at, updated_at)
    SELECT r.id, ${projectId}::uuid, r.memory, r.hash, r.user_id, r.agent_id, r.app_id, r.run_id, r.metadata,
      r.categories, r.immutable, r.expiration_date, r.lifecycle_state, r.replaced_by, r.synthesized,
      r.source_event_id, r.embedder, r.embedding::vector, r.created_at, r.updated_at
    FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS ${MEMORY_RECORD}
    ON CONFLICT (id) DO NOTHING`;
}

async function insertHistory(
  tx: Tx,
  projectId: string,
  history: (PortableHistory & { memory_id: string; line: number })[],
): Promise<number> {
  if (history.length === 0) {
    return 0;
  }
  return tx.$executeRaw`
    INSERT INTO memory_history (id, project_id, memory_id, event, old_memory, new_memory, input, user_id, agent_id,
      app_id, run_id, categories, metadata, created_at, updated_at)
    SELECT r.id, ${projectId}::uuid, r.memory_id, r.event, r.old_memory, r.new_memory, r.input, r.user_id,
      r.agent_id, r.app_id, r.run_id, r.categories, r.metadata, r.created_at, r.updated_at
    FROM jsonb_to_recordset(${JSON.stringify(history.map(({ line: _line, ...entry }) => entry))}::jsonb)
      AS ${HISTORY_RECORD}
    ON CONFLICT (id) DO NOTHING`;
}

/** Explicit entities keep their metadata and dates; the ones memories imply are created as the add path does. */
async function insertEntities(tx: Tx, projectId: string, entities: Partial<PortableEntity>[]): Promise<number> {
  if (entities.length === 0) {
    return 0;
  }
  return tx.$executeRaw`
    INSERT INTO entities (project_id, type, name, metadata, explicit, created_at, updated_at)
    SELECT ${projectId}::uuid, r.type, r.name, r.metadata, coalesce(r.explicit, false),
      coalesce(r.created_at, now()), coalesce(r.updated_at, now())
    FROM jsonb_to_recordset(${JSON.stringify(entities)}::jsonb)
      AS r(type text, name text, metadata jsonb, explicit boolean, created_at timestamptz, updated_at timestamptz)
    ON CONFLICT (project_id, type, name) DO NOTHING`;
}

/** One row per (type, name), the first seen winning: explicit entity lines come before the memories' ones. */
function uniqueEntities(entities: Partial<PortableEntity>[]): Partial<PortableEntity>[] {
  const unique = new Map<string, Partial<PortableEntity>>();
  for (const entity of entities) {
    const key = `${entity.type}\u0000${entity.name}`;
    if (!unique.has(key)) unique.set(key, entity);
  }
  return [...unique.values()];
}

function implicitEntities(memory: PortableMemory): Partial<PortableEntity>[] {
  const scope = { userId: memory.user_id, agentId: memory.agent_id, appId: memory.app_id, runId: memory.run_id };
  return Object.entries(scopeByType(scope)).flatMap(([type, name]) => (name ? [{ type, name }] : []));
}
