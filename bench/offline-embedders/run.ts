/*
 * Offline embedder bench: retrieval quality on paraphrased queries (pairs.json), throughput, time to
 * first vector and heap growth. The static table must be built first (npm start / npm test do it):
 *
 *   npx tsx scripts/build-embedder-table.ts && npx tsx bench/offline-embedders/run.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../../libs/ai/src/ai.types';
import { defaultTablePath } from '../../libs/ai/src/offline/embedder-table';
import { HashEmbedder } from '../../libs/ai/src/offline/hash-embedder';
import { createOfflineEmbedder } from '../../libs/ai/src/offline/offline-embedders';
import { StaticEmbedder } from '../../libs/ai/src/offline/static-embedder';
import { UseLiteEmbedder } from '../../libs/ai/src/offline/use-lite-embedder';

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
  /** Time to the first vector (table or model load included). */
  initMs: number;
  /** Resident-set growth while the embedder loaded and ran (MB). */
  rssMb: number;
  failures?: { query: string; expected: string[]; got: string[] }[];
}

const MIN_TIMING_MS = 1000;

async function main(): Promise<void> {
  const set = JSON.parse(readFileSync(join(__dirname, 'pairs.json'), 'utf8')) as BenchSet;
  const table = defaultTablePath(join(__dirname, '..', '..'));
  const candidates: (() => Embedder)[] = [
    () => new HashEmbedder(384),
    () => new HashEmbedder(768),
    () => new StaticEmbedder(table),
    () => createOfflineEmbedder('static-hash', table),
    () => new UseLiteEmbedder(),
    () => createOfflineEmbedder('use-lite-hash', table),
  ];
  const rows: Row[] = [];
  // Cheapest first, so each RSS delta is mostly that embedder's own.
  for (const make of candidates) rows.push(await measure(make, set));

  console.log(`\n${set.pairs.length} queries over ${set.memories.length} memories\n`);
  const holdout = set.pairs.filter((p) => p.split === 'holdout').length;
  console.log(
    `| embedder | dims | recall@1 | recall@5 | MRR | holdout (${holdout}) r@1 / r@5 / MRR | sentences/s | init ms | +RSS MB |`,
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const h = r.holdout;
    console.log(
      `| ${r.embedder} | ${r.dimensions} | ${pct(r.recallAt1)} | ${pct(r.recallAt5)} | ${r.mrr.toFixed(3)} | ` +
        `${pct(h.recallAt1)} / ${pct(h.recallAt5)} / ${h.mrr.toFixed(3)} | ` +
        `${Math.round(r.sentencesPerSecond)} | ${r.initMs} | ${r.rssMb} |`,
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

async function measure(make: () => Embedder, set: BenchSet): Promise<Row> {
  const rssBefore = process.memoryUsage().rss;
  const loading = performance.now();
  const embedder = make();
  await embedder.embed(['warm up']);
  const initMs = Math.round(performance.now() - loading);
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
    rssMb: Math.round((process.memoryUsage().rss - rssBefore) / 2 ** 20),
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
