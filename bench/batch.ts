/**
 * Write paths against the built server with the offline providers: latency of a 1000-item batch update
 * (`PUT /v1/batch/`, every text changed, so each is re-embedded and re-annotated) and of a 1000-item
 * batch delete (`DELETE /v1/batch/`), several runs each (the update also until the worker has categorised
 * what it changed and moved its new vectors into the HNSW index), and the throughput of synchronous verbatim adds
 * (`POST /v3/memories/add/`, infer=false, one message each, 50 users) from concurrent clients (autocannon, in a
 * process of its own), as answered and until the worker has indexed their vectors, with the CPU each add took.
 *
 *   npm run build && npm run bench:batch -- [--runs 5] [--items 1000] [--adds 2000] [--concurrency 8]
 *
 * Uses its own database (BENCH_DATABASE_URL, default .../mem0_bench_batch, recreated) and Redis prefix.
 * Before each batch the worker has finished categorising and indexing what the last step stored, so runs do not
 * overlap it.
 */
import { Client } from 'pg';
import { databaseName, dropDatabase, ensureDatabase, migrate } from '../scripts/lib/database';
import { numberOption, rssMiB, startServer, summarize, writeResult } from './lib';
import { cpuSampler } from './retrieval/cpu';
import type { HttpJob, LoadResult } from './retrieval/load-http';
import { runChild } from './retrieval/report';

const RUNS = numberOption('runs', 5);
const ITEMS = numberOption('items', 1000);
const ADDS = numberOption('adds', 2000);
const CONCURRENCY = numberOption('concurrency', 8);
const KEY = 'm0-bench-batch-key-00000000000000000000000';
const TOPICS = ['hiking', 'jazz', 'sushi', 'chess', 'sailing', 'pottery', 'cycling', 'opera', 'tea', 'climbing'];

const sentence = (index: number, tag: string) =>
  `I went ${TOPICS[index % TOPICS.length]} with Maria in Lisbon last Tuesday (${tag} ${index})`;

async function main(): Promise<void> {
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mem0_bench_batch';
  await dropDatabase(databaseUrl);
  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl);
  const server = await startServer({
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: `mem0benchbatch${Date.now()}`,
    BOOTSTRAP_API_KEY: KEY,
    OPENAI_API_KEY: '',
    RATE_LIMIT_ENABLED: 'false',
    DATABASE_POOL_SIZE: '20',
  });
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const headers = { Authorization: `Token ${KEY}`, 'Content-Type': 'application/json' };
  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${server.baseUrl}${path}`, { method, headers, body: JSON.stringify(body) });
    const answer = (await response.json()) as { results?: { id: string }[] };
    if (!response.ok) {
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    }
    return answer;
  };
  const timed = async (method: string, path: string, body: unknown) => {
    const sent = performance.now();
    await call(method, path, body);
    return performance.now() - sent;
  };
  // One verbatim add stores every message of it: a batch's memories in one request.
  const seed = async (tag: string) => {
    const messages = Array.from({ length: ITEMS }, (_, index) => ({ role: 'user', content: sentence(index, tag) }));
    const { results = [] } = await call('POST', '/v3/memories/add/', { messages, user_id: 'bench', infer: false });
    return results.map((result) => result.id);
  };
  const settled = async () => {
    for (let waited = 0; waited < 120_000; waited += 200) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS pending FROM memories
         WHERE coalesce(cardinality(categories), 0) = 0 OR pending_embedding IS NOT NULL`,
      );
      if (rows[0].pending === 0) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const ids = await seed('seed');
  const update: number[] = [];
  // From the PUT sent until the worker has categorised every changed memory and indexed its new vector.
  const settledUpdate: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await settled();
    const memories = ids.map((id, index) => ({
      memory_id: id,
      text: sentence(index, `update ${run}`),
      metadata: { run, index },
    }));
    const sent = performance.now();
    update.push(await timed('PUT', '/v1/batch/', { memories }));
    await settled();
    settledUpdate.push(performance.now() - sent);
  }
  const remove: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const doomed = await seed(`delete ${run}`);
    await settled();
    remove.push(await timed('DELETE', '/v1/batch/', { memories: doomed.map((id) => ({ memory_id: id })) }));
  }

  await settled();
  // The clients run in a process of their own (autocannon), each add a different text.
  const bodies = Array.from({ length: ADDS }, (_, index) =>
    JSON.stringify({
      messages: [{ role: 'user', content: sentence(index, 'verbatim') }],
      user_id: `user-${index % 50}`,
      infer: false,
    }),
  );
  const [apiPid, workerPid] = server.pids;
  const cpu = cpuSampler(databaseName(databaseUrl), { api: apiPid, worker: workerPid });
  const job: HttpJob = {
    url: server.baseUrl,
    path: '/v3/memories/add/',
    key: KEY,
    bodies,
    connections: CONCURRENCY,
    duration: 600,
    amount: ADDS,
    emptyPrefix: '{"results":[]}',
  };
  const load = await runChild<LoadResult>('load-http.ts', job);
  const answered = performance.now();
  if (load.completed !== ADDS) {
    throw new Error(`verbatim adds: ${load.completed} of ${ADDS} answered 2xx (${load.error_samples.join('; ')})`);
  }
  // Adds answer before the worker has moved their vectors into the HNSW index: throughput until it has.
  await settled();
  const indexedSeconds = load.seconds + (performance.now() - answered) / 1000;
  const share = cpu.stop();
  const cpuPerAdd = (role: string) => Number(((share.seconds_by_role[role] * 1000) / ADDS).toFixed(2));
  const [apiRss, workerRss] = server.pids.map(rssMiB);
  await db.end();
  await server.stop();

  const rounded = (samples: number[]) => {
    const { p50, p95, p99, count } = summarize(samples);
    return { p50: Math.round(p50), p95: Math.round(p95), p99: Math.round(p99), count };
  };
  const result = {
    items: ITEMS,
    runs: RUNS,
    batch_update_ms: rounded(update),
    batch_update_settled_ms: rounded(settledUpdate),
    batch_delete_ms: rounded(remove),
    verbatim_adds: {
      adds: ADDS,
      concurrency: CONCURRENCY,
      seconds: load.seconds,
      adds_per_second: Number((ADDS / load.seconds).toFixed(1)),
      indexed_seconds: Number(indexedSeconds.toFixed(2)),
      indexed_adds_per_second: Number((ADDS / indexedSeconds).toFixed(1)),
      latency_ms: load.latency_ms,
      // Until indexed: the API, the worker (its indexing job) and the database's backends.
      cpu_ms_per_add: { api: cpuPerAdd('api'), worker: cpuPerAdd('worker'), postgres: cpuPerAdd('postgres') },
      cpu: share,
    },
    rss_mib: { api: apiRss, worker: workerRss },
  };
  const row = (name: string, latency: ReturnType<typeof rounded>, perSecond: number) => ({
    step: name,
    'p50 ms': latency.p50,
    'p95 ms': latency.p95,
    'p99 ms': latency.p99,
    count: latency.count,
    'items/s': perSecond,
  });
  console.table([
    row(
      `PUT /v1/batch/ (${ITEMS} items)`,
      result.batch_update_ms,
      Math.round((ITEMS * 1000) / result.batch_update_ms.p50),
    ),
    row(
      `PUT, then categorised and indexed (${ITEMS} items)`,
      result.batch_update_settled_ms,
      Math.round((ITEMS * 1000) / result.batch_update_settled_ms.p50),
    ),
    row(
      `DELETE /v1/batch/ (${ITEMS} items)`,
      result.batch_delete_ms,
      Math.round((ITEMS * 1000) / result.batch_delete_ms.p50),
    ),
    row(`verbatim add x${CONCURRENCY} clients`, result.verbatim_adds.latency_ms, result.verbatim_adds.adds_per_second),
    row(
      `verbatim add x${CONCURRENCY}, then indexed`,
      result.verbatim_adds.latency_ms,
      result.verbatim_adds.indexed_adds_per_second,
    ),
  ]);
  console.log(
    `RSS MiB: api ${apiRss}, worker ${workerRss}; verbatim adds' CPU ms per add (api / worker / postgres): ${Object.values(
      result.verbatim_adds.cpu_ms_per_add,
    ).join(' / ')}`,
  );
  console.log(`written ${writeResult(`batch-${new Date().toISOString().replace(/[:.]/g, '-')}`, result)}`);
  await dropDatabase(databaseUrl);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
