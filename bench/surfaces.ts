/**
 * One-user semantic search through each self-hosted surface (OSS REST server, Memory Service, Memory
 * System) against the platform's v3 route, on one project seeded with --size synthetic memories
 * (bench/retrieval/seed.ts). Every scenario sends the same 1000 (user_id, query) pairs, cycled by
 * autocannon in a separate process; each answer must be 2xx with results.
 *
 *   npm run build && npm run bench:surfaces -- [--size 100000] [--duration 10] [--connections 8]
 *     [--warmup 2] [--keep]
 *
 * Runs the built server (dist/): `npm run build` first. Database: BENCH_DATABASE_URL (default
 * .../mem0_bench_surfaces), dropped and recreated; dropped again at the end unless --keep.
 */
import { databaseName, dropDatabase, ensureDatabase, migrate } from '../scripts/lib/database';
import { option, rssMiB, startServer, writeResult } from './lib';
import { CpuShare, cpuSampler, waitForQuiet } from './retrieval/cpu';
import { queryTexts, syntheticRow, userIds } from './retrieval/data';
import type { HttpJob, LoadResult } from './retrieval/load-http';
import { machineInfo, runChild } from './retrieval/report';
import { grow, projectOfKey } from './retrieval/seed';

const args = process.argv.slice(2);
const SIZE = Number(option('size', '100000'));
const DURATION = Number(option('duration', '10'));
const CONNECTIONS = Number(option('connections', '8'));
const WARMUP = Number(option('warmup', '2'));
const KEEP = args.includes('--keep');
const PORT = option('port', '8767');
const PAIRS = 1000;
/** Requests per scenario checked (status, results, same ids as the platform) before any load. */
const SMOKE = 20;
const TOP_K = 10;
const KEY = 'm0-bench-surfaces-key-00000000000000000000';
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mem0_bench_surfaces';

const SERVER_ENV = {
  DATABASE_URL,
  REDIS_PREFIX: `mem0benchsurfaces${Date.now()}`,
  BOOTSTRAP_API_KEY: KEY,
  OPENAI_API_KEY: '',
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_ENABLED: 'false',
  PORT,
};

interface Pair {
  user: string;
  query: string;
}

type Answer = { results?: { id: string }[]; data?: { id: string }[] };

interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  path: (pair: Pair) => string;
  body?: (pair: Pair) => string;
  /** Body prefix of a 2xx answer without results. */
  emptyPrefix: string;
  /** The result list of a parsed answer. */
  results: (answer: Answer) => { id: string }[] | undefined;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const bearer = { authorization: `Bearer ${KEY}` };

/**
 * The same search on each: top 10 of one user, no score cut (threshold 0; the platform's and OSS
 * default 0.1 leaves some users' weak hash-embedder matches empty; the other two cut nothing by default).
 */
const SCENARIOS: Scenario[] = [
  {
    name: 'platform POST /v3/memories/search/',
    method: 'POST',
    headers: { authorization: `Token ${KEY}`, ...JSON_TYPE },
    path: () => '/v3/memories/search/',
    body: ({ user, query }) => JSON.stringify({ query, filters: { user_id: user }, top_k: TOP_K, threshold: 0 }),
    emptyPrefix: '{"results":[]',
    results: (answer) => answer.results,
  },
  {
    name: 'OSS POST /search',
    method: 'POST',
    headers: { 'x-api-key': KEY, ...JSON_TYPE },
    path: () => '/search',
    body: ({ user, query }) => JSON.stringify({ query, user_id: user, top_k: TOP_K, threshold: 0 }),
    emptyPrefix: '{"results":[]',
    results: (answer) => answer.results,
  },
  {
    name: 'Memory Service POST /memory/search',
    method: 'POST',
    headers: { ...bearer, ...JSON_TYPE },
    path: () => '/memory/search',
    body: ({ user, query }) => JSON.stringify({ query, user_id: user, top_k: TOP_K }),
    emptyPrefix: '{"results":[]',
    results: (answer) => answer.results,
  },
  {
    name: 'Memory System GET /v1/memories/search',
    method: 'GET',
    headers: bearer,
    path: ({ user, query }) =>
      `/v1/memories/search?${new URLSearchParams({ query, user_id: user, limit: String(TOP_K) }).toString()}`,
    emptyPrefix: '{"success":true,"data":[]',
    results: (answer) => answer.data,
  },
];

interface Smoke {
  checked: number;
  mean_results: number;
  mean_response_kib: number;
  /** Mean share of the platform's top-10 ids this surface also returned. */
  same_ids_as_platform: number;
}

interface Measured extends LoadResult {
  cpu: CpuShare;
  quiet: { waited_seconds: number; busy_cores: number };
  api_rss_mib: { before: number; after: number };
}

interface ScenarioResult {
  scenario: string;
  smoke: Smoke;
  load: Measured;
  ratio_to_platform: { p50: number; p95: number; throughput: number };
}

const seconds = (since: number) => Number(((Date.now() - since) / 1000).toFixed(1));
const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const ratio = (a: number, b: number) => (b > 0 ? round(a / b) : 0);

/** The running API + worker, stopped on Ctrl-C too. */
let running: { stop: () => Promise<void> } | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (running?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

async function startChecked() {
  const server = await startServer(SERVER_ENV);
  running = server;
  const ready = await fetch(`${server.baseUrl}/readyz`).catch(() => null);
  if (!ready?.ok) {
    await server.stop();
    running = null;
    throw new Error(`server not ready (/readyz ${ready?.status ?? 'unreachable'})`);
  }
  return server;
}

/** A fresh database whose bootstrap key (created by the server's first start) owns the project. */
async function bootstrapProject(): Promise<string> {
  await dropDatabase(DATABASE_URL);
  await ensureDatabase(DATABASE_URL);
  await migrate(DATABASE_URL);
  const server = await startChecked();
  await server.stop();
  running = null;
  return projectOfKey(DATABASE_URL, KEY);
}

async function send(baseUrl: string, scenario: Scenario, pair: Pair) {
  const response = await fetch(`${baseUrl}${scenario.path(pair)}`, {
    method: scenario.method,
    headers: scenario.headers,
    body: scenario.body?.(pair),
  });
  const text = await response.text();
  if (response.status < 200 || response.status >= 300) {
    throw new Error(`${scenario.name}: ${response.status} ${text.slice(0, 500)}`);
  }
  const ids = scenario.results(JSON.parse(text) as Answer)?.map((item) => item.id);
  if (!ids?.length) {
    throw new Error(`${scenario.name}: no results for ${JSON.stringify(pair)}: ${text.slice(0, 300)}`);
  }
  return { ids, bytes: Buffer.byteLength(text) };
}

/** The first SMOKE pairs through every scenario: 2xx, results, and how many ids match the platform's. */
async function smokeTest(baseUrl: string, pairs: Pair[]): Promise<Smoke[]> {
  const answers: { ids: string[]; bytes: number }[][] = [];
  for (const scenario of SCENARIOS) {
    const scenarioAnswers: { ids: string[]; bytes: number }[] = [];
    for (const pair of pairs.slice(0, SMOKE)) scenarioAnswers.push(await send(baseUrl, scenario, pair));
    answers.push(scenarioAnswers);
  }
  return answers.map((scenarioAnswers) => {
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    return {
      checked: scenarioAnswers.length,
      mean_results: round(mean(scenarioAnswers.map((answer) => answer.ids.length)), 1),
      mean_response_kib: round(mean(scenarioAnswers.map((answer) => answer.bytes)) / 1024, 1),
      same_ids_as_platform: round(
        mean(
          scenarioAnswers.map((answer, index) => {
            const platform = answers[0][index].ids;
            return platform.filter((id) => answer.ids.includes(id)).length / platform.length;
          }),
        ),
      ),
    };
  });
}

function job(baseUrl: string, scenario: Scenario, pairs: Pair[], duration: number): HttpJob {
  return {
    url: baseUrl,
    path: scenario.path(pairs[0]),
    key: KEY,
    method: scenario.method,
    headers: scenario.headers,
    bodies: scenario.body ? pairs.map(scenario.body) : [],
    paths: scenario.method === 'GET' ? pairs.map(scenario.path) : undefined,
    emptyPrefix: scenario.emptyPrefix,
    connections: CONNECTIONS,
    duration,
  };
}

async function measure(baseUrl: string, apiPid: number, scenario: Scenario, pairs: Pair[]): Promise<Measured> {
  if (WARMUP > 0) await runChild<LoadResult>('load-http.ts', job(baseUrl, scenario, pairs, WARMUP));
  const quiet = await waitForQuiet(10, 0.3);
  const before = rssMiB(apiPid);
  const cpu = cpuSampler(databaseName(DATABASE_URL));
  const result = await runChild<LoadResult>('load-http.ts', job(baseUrl, scenario, pairs, DURATION));
  return { ...result, cpu: cpu.stop(), quiet, api_rss_mib: { before, after: rssMiB(apiPid) } };
}

function failures(results: ScenarioResult[]): string[] {
  return results
    .filter(({ load }) => load.non_2xx || load.errors || load.timeouts || load.empty_results || !load.completed)
    .map(
      ({ scenario, load }) =>
        `${scenario}: ${load.completed} answered, non-2xx ${load.non_2xx}, errors ${load.errors}, ` +
        `timeouts ${load.timeouts}, empty ${load.empty_results}; ${JSON.stringify(load.status_codes)} ` +
        load.error_samples.join(' | '),
    );
}

function printTable(results: ScenarioResult[]): void {
  console.log(
    `\n=== one-user search, ${SIZE.toLocaleString('en')} memories, ${CONNECTIONS} connections, ${DURATION} s ===`,
  );
  console.log("latency ms; x = scenario/platform; 'other CPU' = cores used by processes outside the bench");
  console.table(
    results.map(({ scenario, smoke, load, ratio_to_platform: r }) => ({
      scenario,
      p50: load.latency_ms.p50,
      p95: load.latency_ms.p95,
      p99: load.latency_ms.p99,
      'req/s': load.per_second,
      'non-2xx': load.non_2xx + load.errors + load.timeouts,
      empty: load.empty_results,
      'p50 x': r.p50,
      'p95 x': r.p95,
      'thr x': r.throughput,
      'resp KiB': smoke.mean_response_kib,
      'ids = platform': smoke.same_ids_as_platform,
      'API MiB': `${load.api_rss_mib.before}->${load.api_rss_mib.after}`,
      'other CPU': load.cpu.other_cores,
    })),
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  // Users owning memories: at small sizes a few of the 1000 own none, and would rightly answer empty.
  const owners = new Set(Array.from({ length: SIZE }, (_, i) => syntheticRow(i, 0).userId));
  const users = userIds(2 * PAIRS, 4242)
    .filter((user) => owners.has(user))
    .slice(0, PAIRS);
  const pairs = queryTexts(PAIRS, 4343).map((query, index) => ({ user: users[index % users.length], query }));
  const projectId = await bootstrapProject();
  const machine = await machineInfo(DATABASE_URL);
  console.log(`machine: ${JSON.stringify(machine)}`);
  console.log(`--- seeding ${SIZE.toLocaleString('en')} memories ---`);
  const growth = await grow(DATABASE_URL, projectId, 0, SIZE, Date.now());
  console.log(
    `  inserted in ${growth.insert_seconds} s (${growth.rows_per_second} rows/s), HNSW build ` +
      `${growth.index_build_seconds} s, VACUUM ANALYZE ${growth.vacuum_analyze_seconds} s`,
  );
  const server = await startChecked();
  const apiPid = server.pids[0];
  const results: ScenarioResult[] = [];
  const rss = { before: rssMiB(apiPid), after: 0 };
  try {
    const smoke = await smokeTest(server.baseUrl, pairs);
    for (const [index, scenario] of SCENARIOS.entries()) {
      const load = await measure(server.baseUrl, apiPid, scenario, pairs);
      const platform = results[0]?.load ?? load;
      results.push({
        scenario: scenario.name,
        smoke: smoke[index],
        load,
        ratio_to_platform: {
          p50: ratio(load.latency_ms.p50, platform.latency_ms.p50),
          p95: ratio(load.latency_ms.p95, platform.latency_ms.p95),
          throughput: ratio(load.per_second, platform.per_second),
        },
      });
      console.log(
        `  ${scenario.name}: p50 ${load.latency_ms.p50} ms, p95 ${load.latency_ms.p95} ms, ${load.per_second} req/s`,
      );
    }
    rss.after = rssMiB(apiPid);
  } finally {
    await server.stop();
    running = null;
  }
  printTable(results);
  console.log(`API RSS: ${rss.before} MiB before the load, ${rss.after} MiB after`);
  const failed = failures(results);
  const file = writeResult('surfaces', {
    generated_at: new Date().toISOString(),
    options: { size: SIZE, duration: DURATION, connections: CONNECTIONS, warmup: WARMUP, pairs: PAIRS, top_k: TOP_K },
    server_env: { ...SERVER_ENV, BOOTSTRAP_API_KEY: '(bench key)' },
    data: 'one user_id per request (u0..u999, ~90% of rows spread over them), 1000 query texts from data.ts',
    machine,
    growth,
    rssMiB: rss,
    scenarios: results,
    failures: failed,
    total_wall_seconds: seconds(started),
  });
  console.log(`\nwritten ${file} (total ${seconds(started)} s)`);
  if (!KEEP) await dropDatabase(DATABASE_URL);
  if (failed.length) {
    console.error(`\nFAILED: non-2xx, errors or empty results during load:\n  ${failed.join('\n  ')}`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
