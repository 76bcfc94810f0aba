/**
 * Bulk seeding straight into `memories` (the server is stopped meanwhile): rows embedded in this
 * process with the server's own HashEmbedder, inserted with multi-row INSERT ... SELECT FROM unnest()
 * in batches, several batches in flight; the embedder's HNSW index dropped before and rebuilt after
 * (same name and definition as the worker's), then VACUUM ANALYZE.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Pool } from 'pg';
import type { BatchColumns, BatchRequest } from './seed-worker';
import { DIMENSIONS, EMBEDDER, INDEX_NAME } from './sql';

const BATCH = 2000;
/** Generator threads (embedding + literal building); Postgres gets the rest of the 2 cores. */
const WORKERS = 2;
const IN_FLIGHT = 3;

const INSERT = `
  INSERT INTO memories (id, project_id, memory, hash, user_id, agent_id, metadata, categories,
                        created_at, updated_at, embedder, embedding)
  SELECT u.id, $1::uuid, u.memory, u.hash, u.user_id, u.agent_id, u.metadata::jsonb, u.categories::text[],
         u.created_at, u.created_at, $2::text, u.embedding::vector
  FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
              $10::timestamptz[], $11::text[])
    AS u(id, memory, hash, user_id, agent_id, metadata, categories, created_at, embedding)`;

interface Built {
  key: number;
  rows: number;
  columns: BatchColumns;
  worker: Worker;
}

/** Batches of [from, to) built by worker threads, yielded as they complete (order does not matter). */
async function* batches(from: number, to: number, now: number): AsyncGenerator<Built> {
  const requests: BatchRequest[] = [];
  for (let start = from; start < to; start += BATCH)
    requests.push({ from: start, to: Math.min(to, start + BATCH), now });
  // Worker threads do not inherit tsx's loader: register its CommonJS hook first.
  const source = `require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'seed-worker.ts'))});`;
  const workers = Array.from({ length: WORKERS }, () => new Worker(source, { eval: true }));
  const rejects = new Map<Worker, (error: unknown) => void>();
  workers.forEach((worker) => worker.on('error', (error) => rejects.get(worker)?.(error)));
  const ask = (worker: Worker, key: number) =>
    new Promise<Built>((resolve, reject) => {
      rejects.set(worker, reject);
      worker.once('message', (columns: BatchColumns) =>
        resolve({ key, rows: requests[key].to - requests[key].from, columns, worker }),
      );
      worker.postMessage(requests[key]);
    });
  try {
    const pending = new Map<number, Promise<Built>>();
    let next = 0;
    for (const worker of workers) if (next < requests.length) pending.set(next, ask(worker, next++));
    while (pending.size) {
      const done = await Promise.race(pending.values());
      pending.delete(done.key);
      if (next < requests.length) pending.set(next, ask(done.worker, next++));
      yield done;
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

export interface GrowthResult {
  from: number;
  to: number;
  insert_seconds: number;
  rows_per_second: number;
  index_build_seconds: number;
  vacuum_analyze_seconds: number;
  table_mib: number;
  hnsw_index_mib: number;
  notices: string[];
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** Grows the project's memories from `from` to `to` rows (row i is deterministic, see data.ts). */
export async function grow(
  databaseUrl: string,
  projectId: string,
  from: number,
  to: number,
  now: number,
): Promise<GrowthResult> {
  const pool = new Pool({ connectionString: databaseUrl, max: IN_FLIGHT + 1, options: '-c synchronous_commit=off' });
  const notices: string[] = [];
  pool.on('connect', (client) => client.on('notice', (notice) => notices.push(notice.message ?? String(notice))));
  try {
    await pool.query(`DROP INDEX IF EXISTS "${INDEX_NAME}"`);
    const insertStart = process.hrtime.bigint();
    const inFlight = new Set<Promise<unknown>>();
    let done = from;
    let lastLog = Date.now();
    for await (const batch of batches(from, to, now)) {
      const query: Promise<unknown> = pool.query(INSERT, [projectId, EMBEDDER, ...batch.columns]).then(() => {
        inFlight.delete(query);
        done += batch.rows;
      });
      inFlight.add(query);
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        process.stdout.write(`  seeded ${done}/${to} (${Math.round((done - from) / seconds(insertStart))} rows/s)\n`);
      }
    }
    await Promise.all(inFlight);
    const insertSeconds = seconds(insertStart);

    const indexStart = process.hrtime.bigint();
    const client = await pool.connect();
    try {
      await client.query(`SET maintenance_work_mem = '4GB'`);
      await client.query('SET max_parallel_maintenance_workers = 2');
      await client.query(
        `CREATE INDEX IF NOT EXISTS "${INDEX_NAME}" ON memories ` +
          `USING hnsw ((embedding::vector(${DIMENSIONS})) vector_cosine_ops) WHERE embedder = '${EMBEDDER}'`,
      );
    } finally {
      client.release();
    }
    const indexSeconds = seconds(indexStart);

    const vacuumStart = process.hrtime.bigint();
    await pool.query('VACUUM ANALYZE memories');
    const vacuumSeconds = seconds(vacuumStart);

    const {
      rows: [size],
    } = await pool.query<{ table: string; index: string }>(
      `SELECT pg_table_size('memories') AS table, pg_relation_size($1::regclass) AS index`,
      [INDEX_NAME],
    );
    return {
      from,
      to,
      insert_seconds: round(insertSeconds),
      rows_per_second: to > from ? Math.round((to - from) / insertSeconds) : 0,
      index_build_seconds: round(indexSeconds),
      vacuum_analyze_seconds: round(vacuumSeconds),
      table_mib: Math.round(Number(size.table) / 2 ** 20),
      hnsw_index_mib: Math.round(Number(size.index) / 2 ** 20),
      notices,
    };
  } finally {
    await pool.end();
  }
}

/** The project a key belongs to (keys are stored as their SHA-256). */
export async function projectOfKey(databaseUrl: string, key: string): Promise<string> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const hash = createHash('sha256').update(key).digest('hex');
    const { rows } = await pool.query<{ project_id: string }>('SELECT project_id FROM api_keys WHERE key_hash = $1', [
      hash,
    ]);
    if (rows.length !== 1) {
      throw new Error(`bootstrap key not found in api_keys (${rows.length} rows)`);
    }
    return rows[0].project_id;
  } finally {
    await pool.end();
  }
}

/** Number of memories already in the project (lets a run resume on a kept database). */
export async function countRows(databaseUrl: string, projectId: string): Promise<number> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM memories WHERE project_id = $1', [
      projectId,
    ]);
    return rows[0].n;
  } finally {
    await pool.end();
  }
}
