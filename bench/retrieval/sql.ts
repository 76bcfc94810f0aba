/**
 * The statements the server runs for a v3 search (libs/memories/src/repositories/retrieval.repository.ts),
 * rebuilt by hand so the bench needs no Nest/Prisma import: the same WHERE (embedder, project, the
 * compiled filter, expiry, lifecycle), the same EXPLAIN estimate and plan rule, the same exact CTE / HNSW statements,
 * the same selected columns and the same candidate pool (max(top_k * 2, 20)). Parameters are passed
 * in the same order and with the same casts as Prisma.sql would pass them.
 */
import { createHash } from 'node:crypto';

export const EMBEDDER = 'hash-v1-384';
export const DIMENSIONS = 384;
/** VectorIndexRepository.indexName(EMBEDDER). */
export const INDEX_NAME = `memories_embedding_hnsw_${createHash('sha1').update(EMBEDDER).digest('hex').slice(0, 16)}`;
export const TOP_K = 10;
/** RetrievalService: pool = min(1000, max(top_k * 2, 20)). */
export const POOL = Math.min(1000, Math.max(TOP_K * 2, 20));

export type ScenarioName = 'broad' | 'metadata' | 'or3' | 'user';
export const SCENARIOS: ScenarioName[] = ['broad', 'metadata', 'or3', 'user'];

export const SCENARIO_LABELS: Record<ScenarioName, string> = {
  broad: '(a) broad user_id=*',
  metadata: '(b) user_id=* AND bucket (1%)',
  or3: '(c) OR of 3 users',
  user: '(d) one user',
};

/** One request's inputs: the API body and the matching SQL parameters. */
export interface QuerySpec {
  scenario: ScenarioName;
  text: string;
  /** pgvector text literal of the embedded query. */
  vector: string;
  /** Users of `or3` (3) or `user` (1); bucket of `metadata`. */
  users: string[];
  bucket: number;
}

export function apiFilters(spec: QuerySpec): Record<string, unknown> {
  switch (spec.scenario) {
    case 'broad':
      return { user_id: '*' };
    case 'metadata':
      return { AND: [{ user_id: '*' }, { metadata: { bucket: spec.bucket } }] };
    case 'or3':
      return { OR: spec.users.map((user) => ({ user_id: user })) };
    case 'user':
      return { user_id: spec.users[0] };
  }
}

/** A tiny positional-parameter builder (`$1`, `$2`, ...), in Prisma's left-to-right order. */
class Sql {
  text = '';
  values: unknown[] = [];
  raw(text: string): this {
    this.text += text;
    return this;
  }
  param(value: unknown, cast = ''): this {
    this.values.push(value);
    this.text += `$${this.values.length}${cast}`;
    return this;
  }
}

/** compileFilter's output for each scenario (checked against @app/filters once by hand). */
function filterSql(sql: Sql, spec: QuerySpec): void {
  switch (spec.scenario) {
    case 'broad':
      sql.raw('m.user_id IS NOT NULL');
      return;
    case 'metadata':
      sql
        .raw('(m.user_id IS NOT NULL AND m.metadata @> ')
        .param(JSON.stringify({ bucket: spec.bucket }), '::jsonb')
        .raw(')');
      return;
    case 'or3':
      sql.raw('(');
      spec.users.forEach((user, i) =>
        sql
          .raw(i ? ' OR ' : '')
          .raw('m.user_id = ')
          .param(user, '::text'),
      );
      sql.raw(')');
      return;
    case 'user':
      sql.raw('m.user_id = ').param(spec.users[0], '::text');
  }
}

function whereSql(sql: Sql, projectId: string, spec: QuerySpec): void {
  sql.raw('m.embedder = ').param(EMBEDDER).raw(' AND m.project_id = ').param(projectId, '::uuid').raw(' AND ');
  filterSql(sql, spec);
  sql.raw(" AND (m.expiration_date IS NULL OR m.expiration_date >= (now() AT TIME ZONE 'UTC')::date)");
  sql.raw(" AND m.lifecycle_state <> 'merged'");
}

const MEMORY_COLUMNS = [
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
].join(', ');

export interface Statement {
  text: string;
  values: unknown[];
}

/** `EXPLAIN (FORMAT JSON) SELECT 1 FROM memories m WHERE ...`: the server's plan-choice round trip. */
export function estimateStatement(projectId: string, spec: QuerySpec): Statement {
  const sql = new Sql().raw('EXPLAIN (FORMAT JSON) SELECT 1 FROM memories m WHERE ');
  whereSql(sql, projectId, spec);
  return sql;
}

export function planRows(rows: { 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }[]): number {
  return rows[0]['QUERY PLAN'][0].Plan['Plan Rows'];
}

/** The planner's size of the whole memories table (the server caches it for a minute). */
export const TABLE_ROWS_SQL =
  "SELECT greatest(reltuples, 0)::float8 AS rows FROM pg_class WHERE oid = 'memories'::regclass";

/** SEARCH_EXACT_FACTOR (server default 600; the bench passes it to the server explicitly). */
export const EXACT_FACTOR = 600;

/** RetrievalRepository.choosePlan: exact when n^2 <= factor * max(table, n), else HNSW. */
export function choosePlan(estimate: number, tableRows: number, factor = EXACT_FACTOR): 'exact' | 'hnsw' {
  return estimate * estimate <= factor * Math.max(tableRows, estimate) ? 'exact' : 'hnsw';
}

function keywordSql(sql: Sql, spec: QuerySpec): void {
  sql.raw("SELECT m.*, ts_rank_cd(to_tsvector('simple', m.memory), plainto_tsquery('simple', ").param(spec.text);
  sql.raw('), 32) AS keyword FROM (');
}

/** The server's exact path: a top-N sort of the filtered rows by plain distance; text rank on the survivors. */
export function exactStatement(projectId: string, spec: QuerySpec, limit = POOL): Statement {
  const sql = new Sql();
  keywordSql(sql, spec);
  sql.raw(`SELECT ${MEMORY_COLUMNS}, 1 - (m.embedding <=> `).param(spec.vector, '::vector');
  sql.raw(') AS similarity FROM memories m WHERE ');
  whereSql(sql, projectId, spec);
  sql.raw(' ORDER BY m.embedding <=> ').param(spec.vector, '::vector').raw(' LIMIT ').param(limit);
  sql.raw(') m ORDER BY similarity DESC');
  return sql;
}

/** The server's HNSW path: ORDER BY the indexed expression, then re-sorted (relaxed order). */
export function hnswStatement(projectId: string, spec: QuerySpec, limit = POOL): Statement {
  const cast = `::vector(${DIMENSIONS})`;
  const sql = new Sql();
  keywordSql(sql, spec);
  sql.raw(`SELECT ${MEMORY_COLUMNS}, 1 - ((m.embedding${cast}) <=> `);
  sql.param(spec.vector, cast).raw(') AS similarity FROM memories m WHERE ');
  whereSql(sql, projectId, spec);
  sql.raw(` ORDER BY (m.embedding${cast}) <=> `).param(spec.vector, cast).raw(' LIMIT ').param(limit);
  sql.raw(') m ORDER BY similarity DESC');
  return sql;
}

/**
 * Ground truth: pure-vector exact top-k over the same WHERE with distances. Run with
 * `enable_indexscan = off` (no HNSW index scan possible; bitmap scans on the filter indexes are exact).
 */
export function truthStatement(projectId: string, spec: QuerySpec, k: number): Statement {
  const sql = new Sql().raw('SELECT m.id, m.embedding <=> ').param(spec.vector, '::vector');
  sql.raw(' AS distance FROM memories m WHERE ');
  whereSql(sql, projectId, spec);
  sql.raw(' ORDER BY distance, m.id LIMIT ').param(k);
  return sql;
}

/** Rows the filter really matches (to check the planner's estimate behind the plan choice). */
export function countStatement(projectId: string, spec: QuerySpec): Statement {
  const sql = new Sql().raw('SELECT count(*)::int AS count FROM memories m WHERE ');
  whereSql(sql, projectId, spec);
  return sql;
}
