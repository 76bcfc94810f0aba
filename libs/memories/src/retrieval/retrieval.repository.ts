import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AppConfig, Memory, Prisma, PrismaService } from '@app/core';
import { compileFilter, FilterNode } from '@app/filters';
import { vectorLiteral } from '../memory/vector';
import { MEMORY_COLUMN_LIST, MEMORY_VECTOR } from '../memory/memory-columns';

/** Every column of a memory except its vector, named as Prisma names them (rows map like `Memory`). */
const MEMORY_COLUMNS = Prisma.raw(MEMORY_COLUMN_LIST.join(', '));

export interface ScoredRow extends Memory {
  /** Cosine similarity to the query vector, 1 - cosine distance. */
  similarity: number;
  /** BM25 of the memory's English full text against the query's terms (0 when none match). */
  keyword: number;
  eventStart: Date | null;
  eventEnd: Date | null;
  /** Query entity keys this memory is linked to, with the link's salience. */
  entityKeys: Record<string, number> | null;
  /** When search last returned it (decay), oldest first. */
  touches: Date[] | null;
  /** The memories stored right before and after it in its scope, when known. */
  prev: string | null;
  next: string | null;
}

export interface CandidateQuery {
  embedder: string;
  vector: number[];
  text: string;
  /** How many the vector channel and the keyword channel each bring. */
  pool: number;
  /** Keys the query could name an entity by. */
  entityKeys: string[];
  /** How many of each channel's best also bring the turns stored around them. */
  contextSeeds: number;
}

export interface CandidateSet {
  plan: SearchPlan;
  rows: ScoredRow[];
  /** Memories in the searched scope (counted, or the planner's estimate for broad scopes). */
  scopeSize: number;
  /** How many memories of the project are linked to each query entity found. */
  mentions: Map<string, number>;
  /** The project's decay setting. */
  decay: boolean;
}

/** Columns every candidate row repeats: facts about the whole set, read once. */
interface CandidateSetColumns {
  scopeSize: number;
  mentionCounts: Record<string, number> | null;
  projectDecay: boolean;
}

export type SearchPlan = 'exact' | 'hnsw';

/** Okapi BM25's term-frequency saturation and length normalisation. */
const BM25_K1 = Prisma.raw('1.2');
const BM25_K1_PLUS_ONE = Prisma.raw('2.2');
const BM25_B = Prisma.raw('0.75');
/** Keyword matches scored per search at most: bounds a broad scope's cost when a query term is common. */
const KEYWORD_SCAN_LIMIT = 10_000;
/**
 * Scope sizes are the planner's estimates, which move only as fast as ANALYZE runs: one is reused for
 * a minute, so repeated searches of a scope skip the EXPLAIN round trip.
 */
const ESTIMATE_TTL_MS = 60_000;
const CACHED_ESTIMATES = 10_000;

/** Which memories a read sees: the filter plus expiry and lifecycle visibility. */
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

/** What a search reads: the embedder's vectors within the visible scope. */
export function scopeWhere(projectId: string, scope: RetrievalScope, embedder: string): Prisma.Sql {
  return Prisma.sql`m.embedder = ${embedder} AND ${predicate(projectId, scope)}`;
}

/** The planner's row estimate for a predicate, without running it. */
export function estimateStatement(where: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM memories m WHERE ${where}`;
}

/**
 * The statement behind `RetrievalRepository.candidates` for a plan already chosen (the retrieval bench
 * runs it as raw SQL).
 */
export function candidatesStatement(
  projectId: string,
  where: Prisma.Sql,
  plan: SearchPlan,
  query: CandidateQuery,
): Prisma.Sql {
  const vector = vectorLiteral(query.vector);
  const dims = Prisma.raw(String(query.vector.length));
  // Exact plan: one pass over the scope gives the distances, the keyword matches, its size (BM25's
  // rarity needs it) and what was stored right before and after each memory of its scope (the
  // conversation around it). Broad plan: the HNSW walk gives the candidates and BM25 re-ranks them
  // (scoring every keyword match of a broad scope would cost more than the walk), without
  // neighbours, plus the vectors still waiting for the worker to index them, ranked exactly. The plain
  // (uncast) column cannot use the HNSW index, whose expression is embedding::vector(N). Relaxed-order
  // iterative scans may return neighbours slightly out of order; the ranking absorbs it.
  const scoped =
    plan === 'exact'
      ? Prisma.sql`scoped AS MATERIALIZED (
        SELECT m.id, ${MEMORY_VECTOR} <=> ${vector}::vector AS distance,
               CASE WHEN m.search_vector @@ (SELECT query FROM terms) THEN m.search_vector END AS tsv,
               m.user_id, m.agent_id, m.app_id, m.run_id, m.seq
        FROM memories m WHERE ${where}),
      scope AS MATERIALIZED (SELECT count(*)::float8 AS size FROM scoped),
      nearest AS (
        SELECT id, row_number() OVER (ORDER BY distance) AS rank
        FROM (SELECT id, distance FROM scoped ORDER BY distance LIMIT ${query.pool}) n),
      matched AS MATERIALIZED (
        SELECT id, tsv FROM scoped WHERE tsv IS NOT NULL LIMIT ${KEYWORD_SCAN_LIMIT})`
      : Prisma.sql`nearest AS MATERIALIZED (
        (SELECT m.id, m.search_vector AS tsv, 1 AS rank FROM memories m WHERE ${where} AND m.embedding IS NOT NULL
         ORDER BY (m.embedding::vector(${dims})) <=> ${vector}::vector(${dims}) LIMIT ${query.pool})
        UNION ALL
        (SELECT m.id, m.search_vector, 1 FROM memories m WHERE ${where} AND m.pending_embedding IS NOT NULL
         ORDER BY m.pending_embedding <=> ${vector}::vector LIMIT ${query.pool})),
      scope AS MATERIALIZED (SELECT count(*)::float8 AS size FROM nearest),
      matched AS MATERIALIZED (SELECT id, tsv FROM nearest WHERE tsv @@ (SELECT query FROM terms))`;
  // The order of arrival is only needed in the conversations (entity combinations) the candidates
  // come from: the window sorts those rows, not the whole scope. Coalesced keys make the match
  // hashable; the window still partitions by the real columns.
  const around =
    plan === 'exact'
      ? Prisma.sql`around AS MATERIALIZED (
        SELECT s.id, lag(s.id) OVER w AS prev, lead(s.id) OVER w AS next FROM scoped s
        WHERE (coalesce(s.user_id, ''), coalesce(s.agent_id, ''), coalesce(s.app_id, ''), coalesce(s.run_id, ''))
          IN (SELECT coalesce(f.user_id, ''), coalesce(f.agent_id, ''), coalesce(f.app_id, ''), coalesce(f.run_id, '')
              FROM scoped f WHERE f.id = ANY((SELECT ids FROM found)::uuid[]))
        WINDOW w AS (PARTITION BY s.user_id, s.agent_id, s.app_id, s.run_id ORDER BY s.seq))`
      : Prisma.sql`around AS (SELECT NULL::uuid AS id, NULL::uuid AS prev, NULL::uuid AS next WHERE false)`;
  // Scalar subqueries run once (init plans), where joins against one-row CTEs would be planned as loops.
  // Term frequency counts as presence: memories are short, a word seldom repeats.
  return Prisma.sql`
    WITH terms AS MATERIALIZED (
      SELECT coalesce(array_agg(lexeme), '{}') AS lexemes,
             to_tsquery('simple', coalesce(string_agg(quote_literal(lexeme), ' | '), '')) AS query
      FROM unnest(to_tsvector('english', ${query.text}))
    ),
    ${scoped},
    frequencies AS MATERIALIZED (
      SELECT matched.id, t.lexeme, length(matched.tsv) AS len
      FROM matched CROSS JOIN LATERAL unnest(matched.tsv) AS t
      WHERE t.lexeme = ANY((SELECT lexemes FROM terms)::text[])
    ),
    documents AS MATERIALIZED (SELECT lexeme, count(*) AS df FROM frequencies GROUP BY lexeme),
    keyword AS MATERIALIZED (
      SELECT f.id, sum(
        ln(1 + (greatest((SELECT size FROM scope), d.df) - d.df + 0.5) / (d.df + 0.5))
        * ${BM25_K1_PLUS_ONE} / (1 + ${BM25_K1} * (1 - ${BM25_B} + ${BM25_B} * f.len /
          (SELECT greatest(avg(length(tsv)), 1)::float8 FROM matched)))
      ) AS score
      FROM frequencies f JOIN documents d USING (lexeme)
      GROUP BY f.id ORDER BY score DESC LIMIT ${query.pool}
    ),
    found AS MATERIALIZED (
      SELECT array_agg(id) AS ids, coalesce(array_agg(id) FILTER (WHERE rank <= ${query.contextSeeds}), '{}') AS seeds
      FROM (
        SELECT id, min(rank) AS rank FROM (
          SELECT id, rank FROM nearest UNION ALL SELECT id, row_number() OVER (ORDER BY score DESC) FROM keyword
        ) r GROUP BY id
      ) f
    ),
    ${around},
    candidates AS MATERIALIZED (
      SELECT DISTINCT id FROM (
        SELECT unnest(array[a.prev, a.next]) AS id FROM around a WHERE a.id = ANY((SELECT seeds FROM found)::uuid[])
        UNION ALL SELECT unnest((SELECT ids FROM found))
      ) c WHERE id IS NOT NULL
    ),
    mentions AS MATERIALIZED (
      SELECT e.key, count(*)::int AS count FROM named_entities e JOIN memory_entity_links l ON l.entity_id = e.id
      WHERE e.project_id = ${projectId}::uuid AND e.key = ANY(${query.entityKeys}::text[])
      GROUP BY e.key
    ),
    linked AS (
      SELECT l.memory_id, jsonb_object_agg(e.key, l.salience) AS keys
      FROM memory_entity_links l JOIN named_entities e ON e.id = l.entity_id
      WHERE l.memory_id = ANY((SELECT array_agg(id) FROM candidates)::uuid[])
        AND e.key = ANY((SELECT array_agg(key) FROM mentions)::text[])
      GROUP BY l.memory_id
    )
    SELECT ${MEMORY_COLUMNS}, 1 - (${MEMORY_VECTOR} <=> ${vector}::vector) AS similarity,
           coalesce(k.score, 0)::float8 AS keyword, m.event_start AS "eventStart", m.event_end AS "eventEnd",
           linked.keys AS "entityKeys", a.touches, (SELECT size FROM scope) AS "scopeSize", s.prev, s.next,
           (SELECT jsonb_object_agg(key, count) FROM mentions) AS "mentionCounts",
           (SELECT p.decay FROM projects p WHERE p.id = ${projectId}::uuid) AS "projectDecay"
    FROM candidates c JOIN memories m ON m.id = c.id
    LEFT JOIN around s ON s.id = c.id
    LEFT JOIN keyword k ON k.id = c.id
    LEFT JOIN linked ON linked.memory_id = c.id
    LEFT JOIN memory_access a ON a.memory_id = c.id`;
}

/** Reads for list and search, always within one project. */
@Injectable()
export class RetrievalRepository {
  private tableEstimate: { rows: number; at: number } | null = null;
  private readonly estimates = new LRUCache<string, number>({ max: CACHED_ESTIMATES, ttl: ESTIMATE_TTL_MS });

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /**
   * One page, newest first, and the total, read in one statement so both see the same memories (a
   * delete between two queries would make them disagree); a page past the end counts on its own.
   */
  async page(projectId: string, scope: RetrievalScope, offset: number, limit: number) {
    const where = predicate(projectId, scope);
    const rows = await this.prisma.$queryRaw<(Memory & { total: number })[]>`
      WITH total AS MATERIALIZED (SELECT count(*)::int AS n FROM memories m WHERE ${where})
      SELECT ${MEMORY_COLUMNS}, (SELECT n FROM total) AS total FROM memories m WHERE ${where}
      ORDER BY m.created_at DESC, m.id DESC LIMIT ${limit} OFFSET ${offset}`;
    if (rows.length === 0) {
      const [{ count }] = await this.prisma.$queryRaw<{ count: number }[]>`
        SELECT count(*)::int AS count FROM memories m WHERE ${where}`;
      return { rows: [], count };
    }
    return { rows: rows.map(({ total: _total, ...row }) => row), count: rows[0].total };
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
   * The candidates of a hybrid search: the `pool` rows nearest to the vector and, in a scope small enough
   * to rank exactly, the `pool` best BM25 matches of the query's stemmed terms (OR) and the memories
   * stored around the `contextSeeds` best of each; each with both scores, its event dates, the query entities it is linked to and
   * its retrieval history. A broad scope walks the embedder's HNSW index with iterative scans, which
   * keep going until enough rows pass the filter.
   */
  async candidates(projectId: string, scope: RetrievalScope, query: CandidateQuery): Promise<CandidateSet> {
    const where = scopeWhere(projectId, scope, query.embedder);
    const { plan, matching } = await this.choosePlan(where);
    const rows = await this.prisma.queryPrepared<ScoredRow & CandidateSetColumns>(
      candidatesStatement(projectId, where, plan, query),
    );
    const first = rows[0];
    return {
      plan,
      rows,
      scopeSize: plan === 'exact' && first ? Number(first.scopeSize) : matching,
      mentions: new Map(Object.entries(first?.mentionCounts ?? {})),
      decay: first?.projectDecay === true,
    };
  }

  /**
   * An exact scan costs in proportion to the rows the filter keeps (n); an HNSW walk in proportion
   * to the rows it must skip to find them, i.e. to table/n. They break even where
   * n^2 = SEARCH_EXACT_FACTOR * table, so the exact/HNSW boundary grows with the square root of
   * the table: ~2.4k rows at 10k, ~7.7k at 100k, ~24k at 1M with the default factor.
   */
  private async choosePlan(where: Prisma.Sql): Promise<{ plan: SearchPlan; matching: number }> {
    const [matching, table] = await Promise.all([this.estimate(where), this.tableRows()]);
    const exact = matching * matching <= this.config.env.SEARCH_EXACT_FACTOR * Math.max(table, matching);
    return { plan: exact ? 'exact' : 'hnsw', matching };
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
    const key = JSON.stringify([where.sql, where.values]);
    const cached = this.estimates.get(key);
    if (cached !== undefined) {
      return cached;
    }
    const [row] = await this.prisma.$queryRaw<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }[]>(
      estimateStatement(where),
    );
    const rows = row['QUERY PLAN'][0].Plan['Plan Rows'];
    this.estimates.set(key, rows);
    return rows;
  }
}
