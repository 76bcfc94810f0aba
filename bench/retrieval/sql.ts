/**
 * The statements the server runs for a v3 search, built by the server's own code
 * (libs/memories/src/retrieval/retrieval.repository.ts): the same WHERE (embedder, project, the
 * compiled filter, expiry, lifecycle), the same EXPLAIN estimate and plan rule, the same candidate
 * statement with the same pool, entity keys and parameters. Only the ground truth and the row count
 * are the bench's own.
 */
import { createHash } from 'node:crypto';
import { Prisma } from '../../libs/core/src/prisma/generated/client';
import { parseFilter } from '../../libs/filters/src';
import { queryEntityKeys } from '../../libs/memories/src/annotation/entities';
import {
  candidatesStatement,
  estimateStatement as serverEstimate,
  scopeWhere,
} from '../../libs/memories/src/retrieval/retrieval.repository';
import { candidatePool } from '../../libs/memories/src/retrieval/retrieval.service';
import { FIXED_USERS, Picker, USERS } from './data';

export const EMBEDDER = 'hash-v1-384';
export const DIMENSIONS = 384;
/** VectorIndexRepository.indexName(EMBEDDER). */
export const INDEX_NAME = `memories_embedding_hnsw_${createHash('sha1').update(EMBEDDER).digest('hex').slice(0, 16)}`;
export const TOP_K = 10;
/** What each channel brings for a search of TOP_K, as RetrievalService asks. */
export const POOL = candidatePool(TOP_K);

export type ScenarioName = 'broad' | 'metadata' | 'or3' | 'user' | 'fixed';
export const SCENARIOS: ScenarioName[] = ['broad', 'metadata', 'or3', 'user', 'fixed'];

export const SCENARIO_LABELS: Record<ScenarioName, string> = {
  broad: '(a) broad user_id=*',
  metadata: '(b) user_id=* AND bucket (1%)',
  or3: '(c) OR of 3 users',
  user: '(d) one user',
  fixed: '(e) one user, fixed size',
};

/** The users a request of the scenario filters on: 3 for `or3`, 1 for `user` and `fixed`. */
export function requestUsers(scenario: ScenarioName, pick: Picker): string[] {
  if (scenario === 'fixed') {
    return [`s${pick.int(FIXED_USERS)}`];
  }
  return Array.from({ length: scenario === 'or3' ? 3 : 1 }, () => `u${pick.int(USERS)}`);
}

/** One request's inputs: the API body and the matching SQL parameters. */
export interface QuerySpec {
  scenario: ScenarioName;
  text: string;
  /** pgvector text literal of the embedded query. */
  vector: string;
  /** Users of `or3` (3), `user` or `fixed` (1); bucket of `metadata`. */
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
    case 'fixed':
      return { user_id: spec.users[0] };
  }
}

/** The server's search scope for a spec: what its v3 route parses `filters` into. */
function where(projectId: string, spec: QuerySpec): Prisma.Sql {
  return scopeWhere(projectId, { filter: parseFilter(apiFilters(spec)) }, EMBEDDER);
}

export interface Statement {
  text: string;
  values: unknown[];
}

const statement = (sql: Prisma.Sql): Statement => ({ text: sql.text, values: sql.values });

/** `EXPLAIN (FORMAT JSON) SELECT 1 FROM memories m WHERE ...`: the server's plan-choice round trip. */
export function estimateStatement(projectId: string, spec: QuerySpec): Statement {
  return statement(serverEstimate(where(projectId, spec)));
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

/** The server's candidate statement for a spec under the plan its estimate chose. */
export function searchStatement(projectId: string, spec: QuerySpec, plan: 'exact' | 'hnsw'): Statement {
  return statement(
    candidatesStatement(projectId, where(projectId, spec), plan, {
      embedder: EMBEDDER,
      vector: JSON.parse(spec.vector) as number[],
      text: spec.text,
      pool: POOL,
      entityKeys: queryEntityKeys(spec.text),
      contextSeeds: TOP_K,
    }),
  );
}

/**
 * Ground truth: pure-vector exact top-k over the same WHERE with distances. Run with
 * `enable_indexscan = off` (no HNSW index scan possible; bitmap scans on the filter indexes are exact).
 */
export function truthStatement(projectId: string, spec: QuerySpec, k: number): Statement {
  return statement(Prisma.sql`SELECT m.id, m.embedding <=> ${spec.vector}::vector AS distance
    FROM memories m WHERE ${where(projectId, spec)} ORDER BY distance, m.id LIMIT ${k}`);
}

/** Rows the filter really matches (to check the planner's estimate behind the plan choice). */
export function countStatement(projectId: string, spec: QuerySpec): Statement {
  return statement(Prisma.sql`SELECT count(*)::int AS count FROM memories m WHERE ${where(projectId, spec)}`);
}
