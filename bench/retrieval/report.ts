/** Machine facts, process memory sampling, child-process runner and the printed tables. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { rssMiB } from '../lib';
import type { CpuShare } from './cpu';
import type { LoadResult } from './load-http';
import type { SqlLoadResult } from './load-sql';
import type { RecallResult } from './recall';
import { SCENARIO_LABELS, ScenarioName } from './sql';

export async function machineInfo(databaseUrl: string) {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const setting = async (name: string) => (await pool.query(`SHOW ${name}`)).rows[0][name] as string;
    const version = (await pool.query('SELECT version()')).rows[0].version as string;
    const vector = (await pool.query("SELECT extversion FROM pg_extension WHERE extname = 'vector'")).rows[0]
      ?.extversion;
    return {
      cores: cpus().length,
      cpu: cpus()[0]?.model,
      total_ram_gib: Number((totalmem() / 2 ** 30).toFixed(1)),
      node: process.version,
      postgres: version,
      pgvector: vector as string,
      shared_buffers: await setting('shared_buffers'),
      work_mem: await setting('work_mem'),
      effective_cache_size: await setting('effective_cache_size'),
      max_parallel_workers_per_gather: await setting('max_parallel_workers_per_gather'),
      autocannon: (JSON.parse(readFileSync(require.resolve('autocannon/package.json'), 'utf8')) as { version: string })
        .version,
    };
  } finally {
    await pool.end();
  }
}

function pssMiB(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Math.round(Number(/Pss:\s+(\d+)/.exec(rollup)?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

export interface MemorySample {
  api_rss_mib_max: number;
  pg_backends: number;
  pg_backend_rss_mib_max: number;
  pg_backends_pss_mib_sum_max: number;
}

/** Samples, once a second, the API's RSS and the bench database's client backends (RSS counts shared buffers they touched; PSS shares them out). */
export function memorySampler(pool: Pool, database: string, apiPid: number) {
  const sample: MemorySample = {
    api_rss_mib_max: 0,
    pg_backends: 0,
    pg_backend_rss_mib_max: 0,
    pg_backends_pss_mib_sum_max: 0,
  };
  const tick = async () => {
    sample.api_rss_mib_max = Math.max(sample.api_rss_mib_max, rssMiB(apiPid));
    const { rows } = await pool.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
      [database],
    );
    sample.pg_backends = Math.max(sample.pg_backends, rows.length);
    sample.pg_backend_rss_mib_max = Math.max(sample.pg_backend_rss_mib_max, ...rows.map((row) => rssMiB(row.pid)));
    sample.pg_backends_pss_mib_sum_max = Math.max(
      sample.pg_backends_pss_mib_sum_max,
      rows.reduce((sum, row) => sum + pssMiB(row.pid), 0),
    );
  };
  const timer = setInterval(() => void tick().catch(() => undefined), 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      await tick().catch(() => undefined);
      return sample;
    },
  };
}

/** Temp files written by the bench database (a spilled MATERIALIZED CTE shows up here). */
export async function tempBytes(pool: Pool, database: string): Promise<{ files: number; bytes: number }> {
  const { rows } = await pool.query<{ temp_files: string; temp_bytes: string }>(
    'SELECT temp_files, temp_bytes FROM pg_stat_database WHERE datname = $1',
    [database],
  );
  return { files: Number(rows[0].temp_files), bytes: Number(rows[0].temp_bytes) };
}

/** Runs a load child (`node --import tsx <file> job result`) in its own process and returns its result. */
export async function runChild<T>(file: string, job: unknown): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-retrieval-'));
  const jobFile = join(dir, 'job.json');
  const resultFile = join(dir, 'result.json');
  writeFileSync(jobFile, JSON.stringify(job));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, file), jobFile, resultFile], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) {
      throw new Error(`${file} exited with ${code}`);
    }
    return JSON.parse(readFileSync(resultFile, 'utf8')) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Measured = { memory: MemorySample; temp_mib: number; cpu: CpuShare; attempt: number };

export interface ScenarioResult {
  scenario: ScenarioName;
  api: LoadResult & Measured;
  raw: SqlLoadResult & Measured;
  serial?: { api: LoadResult & Measured; raw: SqlLoadResult & Measured };
  ratio: { p50: number; p95: number; p99: number; throughput: number };
  recall?: RecallResult;
}

const ratio = (a: number, b: number) => (b > 0 ? Number((a / b).toFixed(2)) : 0);

export function ratios(api: LoadResult, raw: LoadResult) {
  return {
    p50: ratio(api.latency_ms.p50, raw.latency_ms.p50),
    p95: ratio(api.latency_ms.p95, raw.latency_ms.p95),
    p99: ratio(api.latency_ms.p99, raw.latency_ms.p99),
    throughput: ratio(api.per_second, raw.per_second),
  };
}

export function printTables(size: number, connections: number, results: ScenarioResult[]): void {
  console.log(
    `\n=== ${size.toLocaleString('en')} memories: ${connections} connections (API = HTTP via autocannon, raw = pg Pool) ===`,
  );
  console.log(`latency ms; x = API/raw; 'other CPU' = cores used by processes outside the bench (API run/raw run)`);
  console.table(
    results.map((r) => ({
      scenario: SCENARIO_LABELS[r.scenario],
      plan: `${r.raw.plans.exact ? 'exact' : ''}${r.raw.plans.exact && r.raw.plans.hnsw ? '+' : ''}${r.raw.plans.hnsw ? 'hnsw' : ''}`,
      'API p50': r.api.latency_ms.p50,
      'API p95': r.api.latency_ms.p95,
      'API p99': r.api.latency_ms.p99,
      'API req/s': r.api.per_second,
      'raw p50': r.raw.latency_ms.p50,
      'raw p95': r.raw.latency_ms.p95,
      'raw p99': r.raw.latency_ms.p99,
      'raw q/s': r.raw.per_second,
      'p50 x': r.ratio.p50,
      'p95 x': r.ratio.p95,
      'thr x': r.ratio.throughput,
      'recall@10': r.recall?.recall_v3 ?? '',
      non2xx: r.api.non_2xx + r.api.errors,
      'other CPU': `${r.api.cpu.other_cores}/${r.raw.cpu.other_cores}`,
    })),
  );
  const serial = results.filter((r) => r.serial);
  if (serial.length) {
    console.log('1 connection (unloaded latency, ms):');
    console.table(
      serial.map((r) => ({
        scenario: SCENARIO_LABELS[r.scenario],
        'API p50': r.serial!.api.latency_ms.p50,
        'API p95': r.serial!.api.latency_ms.p95,
        'API p99': r.serial!.api.latency_ms.p99,
        'API req/s': r.serial!.api.per_second,
        'raw p50': r.serial!.raw.latency_ms.p50,
        'raw p95': r.serial!.raw.latency_ms.p95,
        'raw p99': r.serial!.raw.latency_ms.p99,
        'p95 x': ratio(r.serial!.api.latency_ms.p95, r.serial!.raw.latency_ms.p95),
        non2xx: r.serial!.api.non_2xx + r.serial!.api.errors,
        'other CPU': `${r.serial!.api.cpu.other_cores}/${r.serial!.raw.cpu.other_cores}`,
      })),
    );
  }
  console.log('recall@10 vs exact pure-vector top-10 (tie-aware; strict id overlap in brackets), plan inputs, memory:');
  console.table(
    results.map((r) => ({
      scenario: SCENARIO_LABELS[r.scenario],
      queries: r.recall?.queries ?? 0,
      'v3 (boost)': r.recall ? `${r.recall.recall_v3} [${r.recall.recall_v3_strict}]` : '',
      'v2 pure': r.recall ? `${r.recall.recall_v2} [${r.recall.recall_v2_strict}]` : '',
      'v3∩v2': r.recall?.v3_v2_overlap ?? '',
      'est rows': r.recall?.estimate_rows_median ?? '',
      'real rows': r.recall?.actual_rows_median ?? '',
      'exact/hnsw': r.recall ? `${r.recall.plans.exact}/${r.recall.plans.hnsw}` : '',
      'server HNSW scans': r.recall ? `${r.recall.server_hnsw_scans}/${r.recall.expected_hnsw_scans}` : '',
      'API MiB': r.api.memory.api_rss_mib_max,
      'PG PSS MiB': r.api.memory.pg_backends_pss_mib_sum_max,
      'temp MiB api/raw': `${r.api.temp_mib}/${r.raw.temp_mib}`,
    })),
  );
}
