/**
 * Ingest throughput through the worker with the offline providers: adds per second from the first
 * POST /v3/memories/add/ to the last SUCCEEDED event, plus add latency (request -> SUCCEEDED).
 *
 *   npm run build && npx tsx bench/ingest.ts [--adds 400] [--concurrency 16]
 *
 * Uses its own database (BENCH_DATABASE_URL, default .../mem0_bench, recreated) and Redis prefix.
 */
import { dropDatabase, ensureDatabase, migrate } from '../scripts/lib/database';
import { numberOption, rssMiB, startServer, summarize, writeResult } from './lib';

const ADDS = numberOption('adds', 400);
const CONCURRENCY = numberOption('concurrency', 16);
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

async function main(): Promise<void> {
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mem0_bench';
  await dropDatabase(databaseUrl);
  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl);
  const server = await startServer({
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: `mem0bench${Date.now()}`,
    BOOTSTRAP_API_KEY: KEY,
    OPENAI_API_KEY: '',
    RATE_LIMIT_ENABLED: 'false',
    WORKER_CONCURRENCY: '8',
    DATABASE_POOL_SIZE: '20',
  });
  const headers = { Authorization: `Token ${KEY}`, 'Content-Type': 'application/json' };
  const latencies: number[] = [];
  const started = Date.now();
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < ADDS) {
      const index = next++;
      const sent = Date.now();
      const response = await fetch(`${server.baseUrl}/v3/memories/add/`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          messages: [{ role: 'user', content: `${SENTENCES[index % SENTENCES.length]} (note ${index})` }],
          user_id: `user-${index % 50}`,
        }),
      });
      const { event_id: eventId } = (await response.json()) as { event_id: string };
      for (;;) {
        const event = (await (await fetch(`${server.baseUrl}/v1/event/${eventId}/`, { headers })).json()) as {
          status: string;
        };
        if (event.status === 'SUCCEEDED' || event.status === 'FAILED') {
          failed += event.status === 'FAILED' ? 1 : 0;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      latencies.push(Date.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (Date.now() - started) / 1000;
  const [apiRss, workerRss] = server.pids.map(rssMiB);
  await server.stop();
  const latency = summarize(latencies);
  const result = {
    adds: ADDS,
    concurrency: CONCURRENCY,
    failed,
    seconds: Number(seconds.toFixed(2)),
    adds_per_second: Number((ADDS / seconds).toFixed(1)),
    add_to_succeeded_ms: latency,
    rss_mib: { api: apiRss, worker: workerRss },
  };
  console.table([
    {
      adds: ADDS,
      concurrency: CONCURRENCY,
      'adds/s': result.adds_per_second,
      'p50 ms': latency.p50,
      'p95 ms': latency.p95,
      'p99 ms': latency.p99,
      failed,
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
