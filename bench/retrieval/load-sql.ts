/**
 * Child process: the raw-SQL baseline. `connections` loops over a pg Pool of the same size, each
 * running what the server runs per search (the EXPLAIN estimate, reused per scope as the server
 * reuses it, then the same candidate statement for the plan the same rule picks, prepared), with
 * the server's session settings.
 * The table size the rule needs is read once, as the server caches it for a minute.
 *
 *   node --import tsx bench/retrieval/load-sql.ts <job.json> <result.json>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import { summarize } from '../lib';
import type { LoadResult } from './load-http';
import { choosePlan, estimateStatement, searchStatement, planRows, QuerySpec, TABLE_ROWS_SQL } from './sql';

export interface SqlJob {
  databaseUrl: string;
  projectId: string;
  specs: QuerySpec[];
  connections: number;
  duration: number;
  exactFactor: number;
  efSearch: number;
}

export interface SqlLoadResult extends LoadResult {
  plans: { exact: number; hnsw: number };
}

const preparedName = (text: string) => `q${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;

async function main(): Promise<void> {
  const [jobFile, resultFile] = process.argv.slice(2);
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as SqlJob;
  const pool = new Pool({
    connectionString: job.databaseUrl,
    max: job.connections,
    options: `-c hnsw.iterative_scan=relaxed_order -c hnsw.ef_search=${job.efSearch}`,
  });
  // Open every connection before the clock starts, as the API's pool is warm too.
  const clients = await Promise.all(Array.from({ length: job.connections }, () => pool.connect()));
  clients.forEach((client) => client.release());
  const tableRows = Number((await pool.query<{ rows: number }>(TABLE_ROWS_SQL)).rows[0].rows);

  const samples: number[] = [];
  // Like the server: an estimate is reused (it caches them a minute) and each statement shape is prepared.
  const estimates = new Map<string, number>();
  const plans = { exact: 0, hnsw: 0 };
  const errorSamples: string[] = [];
  let errors = 0;
  let empty = 0;
  let next = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + job.duration * 1000;
  const worker = async () => {
    while (Date.now() < deadline) {
      const spec = job.specs[next++ % job.specs.length];
      const t0 = process.hrtime.bigint();
      try {
        const estimate = estimateStatement(job.projectId, spec);
        const key = JSON.stringify(estimate.values);
        let rows = estimates.get(key);
        if (rows === undefined) {
          rows = planRows((await pool.query(estimate.text, estimate.values)).rows);
          estimates.set(key, rows);
        }
        const plan = choosePlan(rows, tableRows, job.exactFactor);
        plans[plan]++;
        const statement = searchStatement(job.projectId, spec, plan);
        const result = await pool.query({
          name: preparedName(statement.text),
          text: statement.text,
          values: statement.values,
        });
        samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (result.rowCount === 0) empty++;
      } catch (error) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: job.connections }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await pool.end();
  const latency = summarize(samples);
  const round = (value: number) => Number(value.toFixed(2));
  const summary: SqlLoadResult = {
    latency_ms: { p50: round(latency.p50), p95: round(latency.p95), p99: round(latency.p99), count: latency.count },
    mean_ms: round(samples.reduce((sum, value) => sum + value, 0) / Math.max(1, samples.length)),
    per_second: round(samples.length / seconds),
    completed: samples.length,
    non_2xx: 0,
    errors,
    timeouts: 0,
    empty_results: empty,
    status_codes: {},
    seconds: round(seconds),
    error_samples: errorSamples,
    plans,
  };
  writeFileSync(resultFile, JSON.stringify(summary));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
