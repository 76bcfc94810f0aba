/**
 * Ingest throughput through the worker with the offline providers. Open loop: submitters POST
 * /v3/memories/add/ without waiting for the pipeline (optionally paced at --rate adds/s), and the
 * pipeline's progress is read from the events table, so the clients' polling does not compete with
 * the server for the CPU. Reports adds per second from the first accepted add to the last SUCCEEDED
 * event, add latency (event created -> completed, the server's own clock) and POST latency.
 *
 *   npm run build && npx tsx bench/ingest.ts [--adds 2000] [--concurrency 16] [--rate 0] [--users 50]
 *     [--ingestion-concurrency 32] [--warmup 10]
 *
 * The first --warmup seconds of adds (at the same rate; 2000 adds when unpaced) warm the freshly started
 * processes (JIT, pools, caches) and are left out of what is measured: the table is the steady state,
 * with the p95 of every add, warm-up included, beside it.
 *
 * Uses its own database (BENCH_DATABASE_URL, default .../mem0_bench, recreated) and Redis prefix.
 */
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { bullPrefix, QueueName } from '../libs/queue/src/queue.constants';
import { dropDatabase, ensureDatabase, migrate } from '../scripts/lib/database';
import { numberOption, rssMiB, startServer, summarize, writeResult } from './lib';
import { cpuSampler } from './retrieval/cpu';

const ADDS = numberOption('adds', 2000);
const CONCURRENCY = numberOption('concurrency', 16);
const RATE = numberOption('rate', 0);
const USERS = numberOption('users', 50);
const INGESTION_CONCURRENCY = numberOption('ingestion-concurrency', 32);
const WARMUP_SECONDS = numberOption('warmup', 10);
const WARMUP_ADDS = WARMUP_SECONDS > 0 ? (RATE > 0 ? Math.round(RATE * WARMUP_SECONDS) : 2000) : 0;
const KEY = 'm0-bench-ingest-key-0000000000000000000000';

const SENTENCES = [
  'I love hiking on weekends with my dog',
  'My sister lives in Lisbon and works as an architect',
  'I am allergic to peanuts and shellfish',
  'I prefer window seats on long flights',
  'We are planning a trip to Japan in April',
  'I started learning the piano last month',
  'My favourite food is spicy ramen',
  'I work as a data engineer at a logistics company',
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Submits `adds` adds (paced when --rate is set); resolves with the POST latencies. */
async function submit(
  baseUrl: string,
  adds: number,
  tag: string,
): Promise<{ postLatencies: number[]; rejected: number }> {
  const headers = { Authorization: `Token ${KEY}`, 'Content-Type': 'application/json' };
  const postLatencies: number[] = [];
  const started = Date.now();
  let next = 0;
  let rejected = 0;
  const submitter = async () => {
    while (next < adds) {
      const index = next++;
      if (RATE > 0) {
        await sleep(started + (index * 1000) / RATE - Date.now());
      }
      const sent = Date.now();
      const response = await fetch(`${baseUrl}/v3/memories/add/`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          messages: [{ role: 'user', content: `${SENTENCES[index % SENTENCES.length]} (${tag} ${index})` }],
          user_id: `${tag}-user-${index % USERS}`,
        }),
      });
      await response.arrayBuffer();
      rejected += response.ok ? 0 : 1;
      postLatencies.push(Date.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, submitter));
  return { postLatencies, rejected };
}

/** Until `expected` adds are finished (SUCCEEDED or FAILED), counting all of the run's. */
async function waitForPipeline(pool: Pool, expected: number): Promise<void> {
  const deadline = Date.now() + 30 * 60_000;
  while (Date.now() < deadline) {
    const { rows } = await pool.query<{ done: string }>(
      `SELECT count(*) AS done FROM events WHERE event_type = 'ADD' AND status IN ('SUCCEEDED', 'FAILED')`,
    );
    if (Number(rows[0].done) >= expected) {
      return;
    }
    await sleep(200);
  }
  throw new Error('the pipeline did not finish within 30 minutes');
}

/** Until every queue (categorisation included) is empty: only then was the rate sustained. */
async function waitForQueues(redisPrefix: string): Promise<number> {
  const queues = Object.values(QueueName).map(
    (name) => new Queue(name, { connection: { host: '127.0.0.1', port: 6379 }, prefix: bullPrefix(redisPrefix) }),
  );
  try {
    for (;;) {
      const counts = await Promise.all(queues.map((queue) => queue.getJobCounts('waiting', 'active', 'delayed')));
      if (counts.every((count) => Object.values(count).every((value) => value === 0))) {
        return Date.now();
      }
      await sleep(200);
    }
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
  }
}

async function main(): Promise<void> {
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mem0_bench';
  await dropDatabase(databaseUrl);
  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl);
  const redisPrefix = `mem0bench${Date.now()}`;
  const server = await startServer({
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: redisPrefix,
    BOOTSTRAP_API_KEY: KEY,
    OPENAI_API_KEY: '',
    RATE_LIMIT_ENABLED: 'false',
    INGESTION_CONCURRENCY: String(INGESTION_CONCURRENCY),
    DATABASE_POOL_SIZE: '20',
  });
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  const [apiPid, workerPid] = server.pids;
  let warmed = 0;
  if (WARMUP_ADDS > 0) {
    warmed = WARMUP_ADDS - (await submit(server.baseUrl, WARMUP_ADDS, 'warmup')).rejected;
    await waitForPipeline(pool, warmed);
    await waitForQueues(redisPrefix);
  }
  const measuredFrom = new Date();
  const cpu = cpuSampler(new URL(databaseUrl).pathname.slice(1), { api: apiPid, worker: workerPid });
  const { postLatencies, rejected } = await submit(server.baseUrl, ADDS, 'note');
  await waitForPipeline(pool, warmed + ADDS - rejected);
  const drained = await waitForQueues(redisPrefix);
  const share = cpu.stop();
  const cpuPerAdd = (role: string) => Number(((share.seconds_by_role[role] * 1000) / ADDS).toFixed(2));
  const { rows: all } = await pool.query<{ ms: number; status: string; created: Date; completed: Date }>(
    `SELECT status, created_at AS created, completed_at AS completed,
            EXTRACT(EPOCH FROM completed_at - created_at) * 1000 AS ms
       FROM events WHERE event_type = 'ADD'`,
  );
  const rows = all.filter((row) => row.created >= measuredFrom);
  const memories = await pool.query<{ count: string }>('SELECT count(*) FROM memories WHERE created_at >= $1', [
    measuredFrom,
  ]);
  await pool.end();
  const [apiRss, workerRss] = server.pids.map(rssMiB);
  await server.stop();
  const first = Math.min(...rows.map((row) => row.created.getTime()));
  const last = Math.max(...rows.map((row) => row.completed.getTime()));
  const seconds = (last - first) / 1000;
  const drainedSeconds = (drained - first) / 1000;
  const failed = rows.filter((row) => row.status === 'FAILED').length;
  const latency = summarize(rows.map((row) => Math.round(Number(row.ms))));
  const withWarmup = summarize(all.map((row) => Math.round(Number(row.ms))));
  const post = summarize(postLatencies);
  const result = {
    adds: ADDS,
    concurrency: CONCURRENCY,
    target_rate: RATE || null,
    ingestion_concurrency: INGESTION_CONCURRENCY,
    warmup_adds: WARMUP_ADDS,
    rejected,
    failed,
    memories: Number(memories.rows[0].count),
    seconds: Number(seconds.toFixed(2)),
    adds_per_second: Number((rows.length / seconds).toFixed(1)),
    adds_per_second_queues_drained: Number((rows.length / drainedSeconds).toFixed(1)),
    add_to_succeeded_ms: latency,
    add_to_succeeded_ms_with_warmup: withWarmup,
    post_ms: post,
    rss_mib: { api: apiRss, worker: workerRss },
    cpu_ms_per_add: { api: cpuPerAdd('api'), worker: cpuPerAdd('worker'), postgres: cpuPerAdd('postgres') },
    cpu: share,
  };
  console.table([
    {
      adds: ADDS,
      'rate target': RATE || 'max',
      'adds/s': result.adds_per_second,
      'adds/s drained': result.adds_per_second_queues_drained,
      'p50 ms': latency.p50,
      'p95 ms': latency.p95,
      'p99 ms': latency.p99,
      'p95 ms with warm-up': withWarmup.p95,
      'POST p95 ms': post.p95,
      failed: failed + rejected,
      'CPU ms/add api, worker, pg': Object.values(result.cpu_ms_per_add).join(' / '),
      'api RSS MiB': apiRss,
      'worker RSS MiB': workerRss,
    },
  ]);
  console.log(`written ${writeResult('ingest', result)}`);
  await dropDatabase(databaseUrl);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
