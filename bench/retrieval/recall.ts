/**
 * Recall@10 of the API against the pure-vector exact top-10 (same WHERE, `enable_indexscan = off`
 * so no HNSW scan can serve it), plus the planner estimate behind the server's plan choice.
 *
 * - v3: what clients get (cosine fused with a keyword boost, which can reorder near-ties).
 * - v2 with keyword_search=false: the server's pure-vector order (no boost), so 1 - recall(v2) is
 *   the loss from the HNSW / iterative scan path and recall(v2) - recall(v3) the reordering by the boost.
 * Ties: a returned id counts when its exact distance <= the 10th exact distance (ties at the cut are
 * interchangeable); the strict id-overlap figure is reported too.
 */
import { Pool } from 'pg';
import {
  apiFilters,
  choosePlan,
  countStatement,
  estimateStatement,
  INDEX_NAME,
  planRows,
  QuerySpec,
  searchStatement,
  TABLE_ROWS_SQL,
  TOP_K,
  truthStatement,
} from './sql';

export interface RecallResult {
  queries: number;
  /** Tie-aware recall@10 of v3 (with keyword boost) vs exact pure-vector top-10. */
  recall_v3: number;
  recall_v3_strict: number;
  /** Tie-aware recall@10 of v2 keyword_search=false (server's pure-vector order). */
  recall_v2: number;
  recall_v2_strict: number;
  /** Share of v3's top-10 that is also in v2's top-10 (1 = the boost reorders nothing). */
  v3_v2_overlap: number;
  /** Queries where the API returned fewer results than the exact search found (max 10). */
  short_results_v3: number;
  short_results_v2: number;
  /** Planner estimate vs real matching rows, and the plan the server's rule picks from the estimate. */
  plans: { exact: number; hnsw: number };
  estimate_rows_median: number;
  actual_rows_median: number;
  estimate_over_actual_median: number;
  /**
   * HNSW index scans the server really ran for these 2 x queries API calls (pg_stat_user_indexes,
   * read after the stats flush delay) vs the number predicted: the HNSW-plan searches whose statement
   * Postgres plans as an index walk (the planner may still scan a small scope and sort it). A check
   * that the raw-SQL side ran the same plans as the server.
   */
  server_hnsw_scans: number;
  expected_hnsw_scans: number;
}

interface ApiHit {
  id: string;
  score: number;
}

const EPSILON = 1e-7;
const STATS_FLUSH_MS = 11_500;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
const round = (value: number) => Number(value.toFixed(4));

async function post(url: string, key: string, body: unknown): Promise<ApiHit[]> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { Authorization: `Token ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${url} -> ${response.status}: ${text.slice(0, 300)}`);
  }
  const parsed = JSON.parse(text) as ApiHit[] | { results: ApiHit[] };
  return Array.isArray(parsed) ? parsed : parsed.results;
}

export async function measureRecall(
  baseUrl: string,
  key: string,
  databaseUrl: string,
  projectId: string,
  specs: QuerySpec[],
  exactFactor: number,
  efSearch: number,
): Promise<RecallResult> {
  // The server's session settings: the planner's cost of an index walk depends on ef_search.
  const pool = new Pool({
    connectionString: databaseUrl,
    max: 2,
    options: `-c hnsw.iterative_scan=relaxed_order -c hnsw.ef_search=${efSearch}`,
  });
  const tableRows = Number((await pool.query<{ rows: number }>(TABLE_ROWS_SQL)).rows[0].rows);
  const hnswScans = async () =>
    Number(
      (
        await pool.query<{ n: string }>(
          'SELECT coalesce(sum(idx_scan), 0) AS n FROM pg_stat_user_indexes WHERE indexrelname = $1',
          [INDEX_NAME],
        )
      ).rows[0].n,
    );
  const scansBefore = await hnswScans();
  let lastApiCall = Date.now();
  const v3: number[] = [];
  const v3Strict: number[] = [];
  const v2: number[] = [];
  const v2Strict: number[] = [];
  const overlap: number[] = [];
  const estimates: number[] = [];
  const actuals: number[] = [];
  const plans = { exact: 0, hnsw: 0 };
  let serverScans = 0;
  let indexWalks = 0;
  let shortV3 = 0;
  let shortV2 = 0;
  try {
    for (const spec of specs) {
      const filters = apiFilters(spec);
      const v3Hits = await post(`${baseUrl}/v3/memories/search/`, key, {
        query: spec.text,
        filters,
        top_k: TOP_K,
        threshold: 0,
      });
      const v2Hits = await post(`${baseUrl}/v2/memories/search/`, key, {
        query: spec.text,
        filters,
        top_k: TOP_K,
        threshold: 0,
        keyword_search: false,
      });
      lastApiCall = Date.now();
      const truth = await exactTopK(pool, projectId, spec);
      const k = Math.min(TOP_K, truth.length);
      if (k === 0) continue;
      const cut = truth[k - 1].distance + EPSILON;
      const truthIds = new Set(truth.map((row) => row.id));
      const ids = [...new Set([...v3Hits, ...v2Hits].map((hit) => hit.id))];
      const distance = await distances(pool, spec.vector, ids);
      const tieAware = (hits: ApiHit[]) =>
        Math.min(k, hits.slice(0, TOP_K).filter((hit) => (distance.get(hit.id) ?? Infinity) <= cut).length) / k;
      const strict = (hits: ApiHit[]) => hits.slice(0, TOP_K).filter((hit) => truthIds.has(hit.id)).length / k;
      v3.push(tieAware(v3Hits));
      v3Strict.push(strict(v3Hits));
      v2.push(tieAware(v2Hits));
      v2Strict.push(strict(v2Hits));
      const v2Ids = new Set(v2Hits.map((hit) => hit.id));
      overlap.push(
        v3Hits.filter((hit) => v2Ids.has(hit.id)).length / Math.max(1, Math.min(v3Hits.length, v2Hits.length)),
      );
      shortV3 += v3Hits.length < k ? 1 : 0;
      shortV2 += v2Hits.length < k ? 1 : 0;

      const estimate = estimateStatement(projectId, spec);
      const estimated = planRows((await pool.query(estimate.text, estimate.values)).rows);
      const count = countStatement(projectId, spec);
      const actual = (await pool.query<{ count: number }>(count.text, count.values)).rows[0].count;
      estimates.push(estimated);
      actuals.push(actual);
      const plan = choosePlan(estimated, tableRows, exactFactor);
      plans[plan]++;
      if (plan === 'hnsw') {
        const search = searchStatement(projectId, spec, plan);
        const explained = await pool.query(`EXPLAIN (FORMAT JSON) ${search.text}`, search.values);
        indexWalks += JSON.stringify(explained.rows).includes(`"Index Name":"${INDEX_NAME}"`) ? 1 : 0;
      }
    }
    // Backends flush their statistics within ~10 s once idle (PostgreSQL 15).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, STATS_FLUSH_MS - (Date.now() - lastApiCall))));
    serverScans = (await hnswScans()) - scansBefore;
  } finally {
    await pool.end();
  }
  return {
    queries: v3.length,
    recall_v3: round(mean(v3)),
    recall_v3_strict: round(mean(v3Strict)),
    recall_v2: round(mean(v2)),
    recall_v2_strict: round(mean(v2Strict)),
    v3_v2_overlap: round(mean(overlap)),
    short_results_v3: shortV3,
    short_results_v2: shortV2,
    plans,
    estimate_rows_median: median(estimates),
    actual_rows_median: median(actuals),
    estimate_over_actual_median: round(median(estimates.map((value, i) => value / Math.max(1, actuals[i])))),
    server_hnsw_scans: serverScans,
    expected_hnsw_scans: 2 * indexWalks,
  };
}

/** Exact pure-vector top-10; fails if the plan could still use the HNSW index. */
async function exactTopK(pool: Pool, projectId: string, spec: QuerySpec): Promise<{ id: string; distance: number }[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL enable_indexscan = off');
    const statement = truthStatement(projectId, spec, TOP_K);
    const plan = await client.query(`EXPLAIN ${statement.text}`, statement.values);
    if (plan.rows.some((row: { 'QUERY PLAN': string }) => row['QUERY PLAN'].includes(INDEX_NAME))) {
      throw new Error('ground-truth query would use the HNSW index');
    }
    const { rows } = await client.query<{ id: string; distance: number }>(statement.text, statement.values);
    await client.query('COMMIT');
    return rows.map((row) => ({ id: row.id, distance: Number(row.distance) }));
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

async function distances(pool: Pool, vector: string, ids: string[]): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ id: string; distance: number }>(
    'SELECT id, embedding <=> $1::vector AS distance FROM memories WHERE id = ANY($2::uuid[])',
    [vector, ids],
  );
  return new Map(rows.map((row) => [row.id, Number(row.distance)]));
}
