export const CATEGORY_NAMES: Record<number, string> = {
  1: 'multi-hop',
  2: 'temporal',
  3: 'open-domain',
  4: 'single-hop',
};

export interface QuestionScore {
  recall5: number;
  recall10: number;
  recall20: number;
  hit10: number;
  reciprocalRank: number;
}

/** Scores one ranking of dia_ids (best first, repeats ignored) against the question's evidence. */
export function scoreRanking(ranking: string[], evidence: string[]): QuestionScore {
  const unique = [...new Set(ranking.filter(Boolean))];
  const wanted = new Set(evidence);
  const recall = (k: number) => unique.slice(0, k).filter((id) => wanted.has(id)).length / wanted.size;
  const first = unique.findIndex((id) => wanted.has(id));
  return {
    recall5: recall(5),
    recall10: recall(10),
    recall20: recall(20),
    hit10: first >= 0 && first < 10 ? 1 : 0,
    reciprocalRank: first >= 0 ? 1 / (first + 1) : 0,
  };
}

type Summary = Record<string, { questions: number } & QuestionScore>;

const round = (value: number) => Number(value.toFixed(3));

/** Means per category and over all questions. */
export class Metrics {
  private readonly byCategory = new Map<number, QuestionScore[]>();

  add(category: number, score: QuestionScore): void {
    const list = this.byCategory.get(category) ?? [];
    list.push(score);
    this.byCategory.set(category, list);
  }

  summary(): Summary {
    const mean = (scores: QuestionScore[]) => {
      const sum = (pick: (s: QuestionScore) => number) =>
        round(scores.reduce((t, s) => t + pick(s), 0) / scores.length);
      return {
        questions: scores.length,
        recall5: sum((s) => s.recall5),
        recall10: sum((s) => s.recall10),
        recall20: sum((s) => s.recall20),
        hit10: sum((s) => s.hit10),
        reciprocalRank: sum((s) => s.reciprocalRank),
      };
    };
    const out: Summary = { all: mean([...this.byCategory.values()].flat()) };
    for (const category of [...this.byCategory.keys()].sort()) {
      out[CATEGORY_NAMES[category] ?? String(category)] = mean(this.byCategory.get(category) ?? []);
    }
    return out;
  }
}

interface Report {
  mode: string;
  turns: number;
  questions: number;
  server: Summary;
  bm25: Summary;
  add: { per_second: number; latency_ms: { p50: number; p95: number; p99: number } };
  search: { latency_ms: { p50: number; p95: number; p99: number } };
  rss_mib: { api: number; worker: number };
}

export function printReport(report: Report): void {
  console.log(`\nLoCoMo ${report.mode}: ${report.turns} turns, ${report.questions} questions\n`);
  console.log(
    '| category | n | server r@5 / r@10 / r@20 | BM25 r@5 / r@10 / r@20 | server hit@10 / MRR | BM25 hit@10 / MRR | r@10 ratio |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const [category, s] of Object.entries(report.server)) {
    const b = report.bm25[category];
    console.log(
      `| ${category} | ${s.questions} | ${s.recall5} / ${s.recall10} / ${s.recall20} | ` +
        `${b.recall5} / ${b.recall10} / ${b.recall20} | ${s.hit10} / ${s.reciprocalRank} | ` +
        `${b.hit10} / ${b.reciprocalRank} | ${(s.recall10 / Math.max(b.recall10, 1e-9)).toFixed(2)} |`,
    );
  }
  const a = report.add.latency_ms;
  const q = report.search.latency_ms;
  console.log('\n| | p50 ms | p95 ms | p99 ms | throughput |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| add | ${a.p50.toFixed(1)} | ${a.p95.toFixed(1)} | ${a.p99.toFixed(1)} | ${report.add.per_second.toFixed(1)} adds/s |`,
  );
  console.log(`| search | ${q.p50.toFixed(1)} | ${q.p95.toFixed(1)} | ${q.p99.toFixed(1)} | |`);
  console.log(`\nRSS after the run: API ${report.rss_mib.api} MiB, worker ${report.rss_mib.worker} MiB`);
}
