/**
 * Search latency of this build against another one (a baseline checkout, built), on one database and
 * in one run: requests alternate between the two servers one by one (1 connection) and in short
 * alternating slices (8 connections), so load from anything else on the machine falls on both alike;
 * then verbatim adds, alternating the same way.
 *
 *   npm run build && npm run bench:retrieval:ab -- --baseline ../old-checkout [--size 100000]
 *     [--requests 300] [--slices 4] [--slice-seconds 4] [--connections 8] [--keep] [--reuse]
 *
 * The baseline must be built (`npx nest build api` in it) and able to read this build's schema (the
 * migrations only add). Database: BENCH_DATABASE_URL (default .../mem0_bench_ab), recreated and seeded
 * with --size synthetic memories unless --reuse; dropped at the end unless --keep.
 */
import { resolve } from 'node:path';
import { HashEmbedder } from '../../libs/ai/src/offline/hash-embedder';
import { dropDatabase, ensureDatabase, migrate } from '../../scripts/lib/database';
import { option, startServer, summarize, writeResult } from '../lib';
import { queryTexts, rng } from './data';
import { grow, projectOfKey } from './seed';
import {
  apiFilters,
  DIMENSIONS,
  EXACT_FACTOR,
  QuerySpec,
  SCENARIO_LABELS,
  SCENARIOS,
  requestUsers,
  ScenarioName,
  TOP_K,
} from './sql';

const args = process.argv.slice(2);
const BASELINE = option('baseline', '');
const SIZE = Number(option('size', '100000'));
const REQUESTS = Number(option('requests', '300'));
const SLICES = Number(option('slices', '4'));
const SLICE_SECONDS = Number(option('slice-seconds', '4'));
const CONNECTIONS = Number(option('connections', '8'));
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mem0_bench_ab';
const KEY = 'm0-bench-ab-key-00000000000000000000000000';

const serverEnv = (port: number, label: string) => ({
  DATABASE_URL,
  REDIS_PREFIX: `mem0benchab${label}${Date.now()}`,
  BOOTSTRAP_API_KEY: KEY,
  OPENAI_API_KEY: '',
  OFFLINE_EMBEDDER: 'hash',
  EMBEDDER_PROVIDER: 'offline',
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_ENABLED: 'false',
  DATABASE_POOL_SIZE: '10',
  SEARCH_EXACT_FACTOR: String(EXACT_FACTOR),
  SEARCH_EF_SEARCH: '400',
  PORT: String(port),
});

type Side = { name: string; url: string };

async function search(side: Side, body: string, path = '/v3/memories/search/'): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${side.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Token ${KEY}`, 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${side.name}: HTTP ${response.status}`);
  return performance.now() - started;
}

function bodiesFor(scenario: ScenarioName, count: number): string[] {
  const embedder = new HashEmbedder(DIMENSIONS);
  const pick = rng(3000 + SCENARIOS.indexOf(scenario));
  return queryTexts(count, 500 + SCENARIOS.indexOf(scenario)).map((text) => {
    const spec: QuerySpec = {
      scenario,
      text,
      vector: `[${embedder.embedOne(text).join(',')}]`,
      users: requestUsers(scenario, pick),
      bucket: pick.int(100),
    };
    return JSON.stringify({ query: spec.text, filters: apiFilters(spec), top_k: TOP_K });
  });
}

/** One request to each side per body, the order flipping every time. */
async function serial(sides: [Side, Side], bodies: string[], path?: string): Promise<[number[], number[]]> {
  const samples: [number[], number[]] = [[], []];
  for (const [i, body] of bodies.entries()) {
    const order = i % 2 === 0 ? [0, 1] : [1, 0];
    for (const s of order) samples[s].push(await search(sides[s], body, path));
  }
  return samples;
}

/** Verbatim adds (stored on the request path): what a search's new signals cost at write time. */
const addBodies = (count: number) =>
  queryTexts(count, 900).map((text, i) =>
    JSON.stringify({ messages: [{ role: 'user', content: `I said ${text}` }], user_id: `ab${i % 20}`, infer: false }),
  );

/** CONNECTIONS concurrent loops on one side for a slice, the sides taking turns. */
async function loaded(sides: [Side, Side], bodies: string[]) {
  const samples: [number[], number[]] = [[], []];
  const seconds = [0, 0];
  let next = 0;
  for (let slice = 0; slice < SLICES * 2; slice++) {
    const s = (slice + Math.floor(slice / 2)) % 2;
    const deadline = performance.now() + SLICE_SECONDS * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < deadline) samples[s].push(await search(sides[s], bodies[next++ % bodies.length]));
      }),
    );
    seconds[s] += (performance.now() - started) / 1000;
  }
  return samples.map((list, s) => ({ ...summarize(list), per_second: list.length / seconds[s] }));
}

const round = (value: number) => Number(value.toFixed(2));

async function main(): Promise<void> {
  if (!BASELINE) throw new Error('--baseline <built checkout> is required');
  if (!args.includes('--reuse')) {
    await dropDatabase(DATABASE_URL);
    await ensureDatabase(DATABASE_URL);
    await migrate(DATABASE_URL);
    const bootstrap = await startServer(serverEnv(8781, 'boot'));
    await bootstrap.stop();
    console.log(`seeding ${SIZE} memories`);
    await grow(DATABASE_URL, await projectOfKey(DATABASE_URL, KEY), 0, SIZE, Date.now());
  }
  const current = await startServer(serverEnv(8782, 'current'));
  const baseline = await startServer(serverEnv(8783, 'baseline'), { cwd: resolve(BASELINE) });
  const sides: [Side, Side] = [
    { name: 'baseline', url: baseline.baseUrl },
    { name: 'current', url: current.baseUrl },
  ];
  const rows = [];
  try {
    for (const scenario of SCENARIOS) {
      const bodies = bodiesFor(scenario, REQUESTS);
      await serial(sides, bodies.slice(0, 20));
      const [base, cur] = (await serial(sides, bodies)).map(summarize);
      const [baseLoad, curLoad] = await loaded(sides, bodies);
      const row = {
        scenario: SCENARIO_LABELS[scenario],
        base_p50: round(base.p50),
        cur_p50: round(cur.p50),
        base_p95: round(base.p95),
        cur_p95: round(cur.p95),
        x_p50: round(cur.p50 / base.p50),
        x_p95: round(cur.p95 / base.p95),
        [`base_p50_${CONNECTIONS}c`]: round(baseLoad.p50),
        [`cur_p50_${CONNECTIONS}c`]: round(curLoad.p50),
        [`base_p95_${CONNECTIONS}c`]: round(baseLoad.p95),
        [`cur_p95_${CONNECTIONS}c`]: round(curLoad.p95),
        [`x_p95_${CONNECTIONS}c`]: round(curLoad.p95 / baseLoad.p95),
        base_rps: round(baseLoad.per_second),
        cur_rps: round(curLoad.per_second),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
    const [baseAdd, curAdd] = (await serial(sides, addBodies(REQUESTS), '/v3/memories/add/')).map(summarize);
    const adds = {
      scenario: 'verbatim add (1 connection)',
      base_p50: round(baseAdd.p50),
      cur_p50: round(curAdd.p50),
      base_p95: round(baseAdd.p95),
      cur_p95: round(curAdd.p95),
      x_p50: round(curAdd.p50 / baseAdd.p50),
      x_p95: round(curAdd.p95 / baseAdd.p95),
    };
    rows.push(adds);
    console.log(JSON.stringify(adds));
  } finally {
    await Promise.all([current.stop(), baseline.stop()]);
  }
  console.log(`\nbaseline ${resolve(BASELINE)} vs this build, ${SIZE} memories, latency ms:`);
  console.table(rows);
  const file = writeResult(`retrieval-ab-${new Date().toISOString().replace(/[:.]/g, '-')}`, {
    baseline: resolve(BASELINE),
    size: SIZE,
    requests: REQUESTS,
    connections: CONNECTIONS,
    rows,
  });
  console.log(`written ${file}`);
  if (!args.includes('--keep')) await dropDatabase(DATABASE_URL);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
