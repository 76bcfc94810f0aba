import { DateSpan, overlaps } from '../annotation/dates';

/**
 * Weights of the signals a hybrid search fuses, tuned on the LoCoMo development split (bench/locomo).
 * The fused score is the weighted mean over the signals the query can use: a query without keyword
 * terms, entities or a time expression is scored on the others alone.
 */
export const WEIGHTS = { semantic: 1, keyword: 1, entity: 2, temporal: 0.5 };

/** How much of its best neighbour's score a memory gets (conversation turns answer each other). */
export const CONTEXT_WEIGHT = 0.3;

/** A memory's score with its conversational context: its own, raised towards a strong neighbour's. */
export function contextScore(own: number, neighbour: number): number {
  return Math.max(own, own + CONTEXT_WEIGHT * (neighbour - own));
}

/** BM25 to [0, 1] by a logistic curve whose midpoint grows with the query's term count (longer queries score higher). */
export function normaliseBm25(raw: number, terms: number): number {
  if (raw <= 0) return 0;
  const [midpoint, steepness] = terms <= 3 ? [5, 0.7] : terms <= 6 ? [7, 0.6] : terms <= 9 ? [9, 0.5] : [10, 0.5];
  return 1 / (1 + Math.exp(-steepness * (raw - midpoint)));
}

/**
 * The query entities a memory is linked to, each weighted by its rarity in the scope and by its salience
 * in the memory, on a scale where one entity that only this memory is about scores 1 (a name every
 * memory mentions says little).
 */
export function entityBoost(
  linked: Record<string, number> | null,
  weights: Map<string, number>,
  memories: number,
): number {
  if (!linked || weights.size === 0) return 0;
  let matched = 0;
  for (const [key, salience] of Object.entries(linked)) matched += (weights.get(key) ?? 0) * salience;
  return Math.min(1, matched / Math.log(1 + Math.max(memories, 1)));
}

/** Rarity weight of each query entity: log(1 + memories / mentions). */
export function entityWeights(counts: Map<string, number>, memories: number): Map<string, number> {
  const weights = new Map<string, number>();
  for (const [key, count] of counts) weights.set(key, Math.log(1 + Math.max(memories, count) / count));
  return weights;
}

/**
 * 1 when what the memory describes happened within the query's time; a little less when it was only
 * said then (no event date of its own); 0 otherwise.
 */
export function temporalMatch(query: DateSpan, event: DateSpan | null, saidAt: Date): number {
  if (event) return overlaps(query, event) ? 1 : 0;
  return saidAt >= query.start && saidAt < query.end ? 0.7 : 0;
}

/**
 * Decay's scaling factor in [0.3, 1.5] from a memory's retrieval history: ACT-R base-level activation
 * ln(sum of t^-0.5 over past touches, t in hours), through a logistic. Just retrieved ~1.5, an hour
 * ago ~1.35, days ago ~0.7, weeks ~0.45, months ~0.35. Without history, its event date (or when it
 * last changed) stands in as its one touch; a future event date counts as fresh.
 */
export function decayFactor(touches: Date[] | null, fallback: Date, now: Date): number {
  const history = touches?.length ? touches : [fallback];
  let sum = 0;
  for (const touch of history) {
    const hours = Math.max((now.getTime() - touch.getTime()) / 3_600_000, 0.01);
    sum += hours ** -0.5;
  }
  const activation = Math.log(sum);
  return 0.3 + 1.2 / (1 + Math.exp(-1.2 * (activation + 1.6)));
}
