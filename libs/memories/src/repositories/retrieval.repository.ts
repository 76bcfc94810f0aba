import { Injectable } from '@nestjs/common';
import { AppConfig, Memory, Prisma, PrismaService } from '@app/core';
import { compileFilter, FilterNode } from '@app/filters';
import { vectorLiteral } from './vector';

/** Every column of a memory except its vector, named as Prisma names them (rows map like `Memory`). */
const MEMORY_COLUMNS = Prisma.raw(
  [
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
  ].join(', '),
);

export interface ScoredRow extends Memory {
  /** Cosine similarity to the query vector, 1 - cosine distance. */
  similarity: number;
  /** Postgres full-text rank of the text against the query, normalised to [0, 1). */
  keyword: number;
}

export interface VectorQuery {
  embedder: string;
  vector: number[];
  text: string;
  limit: number;
}

export type SearchPlan = 'exact' | 'hnsw';

/** Which memories a read sees: the filter plus expiry and lifecycle visibility (contract 5.1, 5.4). */
export interface RetrievalScope {
  filter: FilterNode;
  showExpired?: boolean;
  /** Only memories nothing has superseded or merged. */
  latestOnly?: boolean;
  /** Also merged duplicates (hidden by default). */
  includeMerged?: boolean;
}

function predicate(projectId: string, scope: RetrievalScope): Prisma.Sql {
  const parts = [Prisma.sql`m.project_id = ${projectId}::uuid`, compileFilter(scope.filter, 'm')];
  if (!scope.showExpired) {
    parts.push(Prisma.sql`(m.expiration_date IS NULL OR m.expiration_date >= (now() AT TIME ZONE 'UTC')::date)`);
  }
  if (scope.latestOnly) {
    parts.push(Prisma.sql`m.lifecycle_state = 'active' AND m.replaced_by IS NULL`);
  } else if (!scope.includeMerged) {
    parts.push(Prisma.sql`m.lifecycle_state <> 'merged'`);
  }
  return Prisma.join(parts, ' AND ');
}

/** Reads for list and search, always within one project. */
@Injectable()
export class RetrievalRepository {
  private tableEstimate: { rows: number; at: number } | null = null;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /** One page, newest first, and the total. */
  async page(projectId: string, scope: RetrievalScope, offset: number, limit: number) {
    const where = predicate(projectId, scope);
    const [rows, [{ count }]] = await Promise.all([
      this.prisma.$queryRaw<Memory[]>`
        SELECT ${MEMORY_COLUMNS} FROM memories m WHERE ${where}
        ORDER BY m.created_at DESC, m.id DESC LIMIT ${limit} OFFSET ${offset}`,
      this.prisma.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS count FROM memories m WHERE ${where}`,
    ]);
    return { rows, count };
  }

  /** The first input each memory was added from (the ADD history entry), by memory id. */
  async addInputs(projectId: string, ids: string[]): Promise<Map<string, unknown>> {
    if (ids.length === 0) {
      return new Map();
    }
    const rows = await this.prisma.memoryHistory.findMany({
      where: { projectId, memoryId: { in: ids }, event: 'ADD' },
      select: { memoryId: true, input: true },
    });
    return new Map(rows.map((row) => [row.memoryId, row.input]));
  }

  /**
   * The `limit` rows nearest to the vector. A filter estimated to match few rows is ranked exactly
   * over those rows (a per-user scope: fast and exact); a broad one walks the embedder's HNSW index
   * with iterative scans, which keep going until enough rows pass the filter (see choosePlan).
   */
  async nearest(
    projectId: string,
    scope: RetrievalScope,
    query: VectorQuery,
  ): Promise<{ plan: SearchPlan; rows: ScoredRow[] }> {
    const where = Prisma.sql`m.embedder = ${query.embedder} AND ${predicate(projectId, scope)}`;
    const plan = await this.choosePlan(where);
    const vector = vectorLiteral(query.vector);
    const keyword = Prisma.sql`ts_rank_cd(to_tsvector('simple', m.memory), plainto_tsquery('simple', ${query.text}), 32)`;
    if (plan === 'exact') {
      // The plain (uncast) column cannot use the HNSW index, whose expression is embedding::vector(N):
      // this is a top-N sort over the filtered rows; the text rank is computed for the survivors only.
      const rows = await this.prisma.$queryRaw<ScoredRow[]>`
        SELECT m.*, ${keyword} AS keyword FROM (
          SELECT ${MEMORY_COLUMNS}, 1 - (m.embedding <=> ${vector}::vector) AS similarity
          FROM memories m WHERE ${where}
          ORDER BY m.embedding <=> ${vector}::vector LIMIT ${query.limit}
        ) m ORDER BY similarity DESC`;
      return { plan, rows };
    }
    const dims = Prisma.raw(String(query.vector.length));
    // Relaxed-order iterative scans may return neighbours slightly out of order: sort again.
    const rows = await this.prisma.$queryRaw<ScoredRow[]>`
      SELECT m.*, ${keyword} AS keyword FROM (
        SELECT ${MEMORY_COLUMNS}, 1 - ((m.embedding::vector(${dims})) <=> ${vector}::vector(${dims})) AS similarity
        FROM memories m WHERE ${where}
        ORDER BY (m.embedding::vector(${dims})) <=> ${vector}::vector(${dims}) LIMIT ${query.limit}
      ) m ORDER BY similarity DESC`;
    return { plan, rows };
  }

  /**
   * An exact scan costs in proportion to the rows the filter keeps (n); an HNSW walk in proportion
   * to the rows it must skip to find them, i.e. to table/n. They break even where
   * n^2 = SEARCH_EXACT_FACTOR * table, so the exact/HNSW boundary grows with the square root of
   * the table: ~2.4k rows at 10k, ~7.7k at 100k, ~24k at 1M with the default factor.
   */
  private async choosePlan(where: Prisma.Sql): Promise<SearchPlan> {
    const [matching, table] = await Promise.all([this.estimate(where), this.tableRows()]);
    return matching * matching <= this.config.env.SEARCH_EXACT_FACTOR * Math.max(table, matching) ? 'exact' : 'hnsw';
  }

  /** The planner's size of the memories table (all projects share the HNSW graph), cached a minute. */
  private async tableRows(): Promise<number> {
    if (!this.tableEstimate || Date.now() - this.tableEstimate.at > 60_000) {
      const [row] = await this.prisma.$queryRaw<{ rows: number }[]>`
        SELECT greatest(reltuples, 0)::float8 AS rows FROM pg_class WHERE oid = 'memories'::regclass`;
      this.tableEstimate = { rows: Number(row.rows), at: Date.now() };
    }
    return this.tableEstimate.rows;
  }

  /** The planner's row estimate for a predicate (no execution). */
  private async estimate(where: Prisma.Sql): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }[]>`
      EXPLAIN (FORMAT JSON) SELECT 1 FROM memories m WHERE ${where}`;
    return row['QUERY PLAN'][0].Plan['Plan Rows'];
  }
}
