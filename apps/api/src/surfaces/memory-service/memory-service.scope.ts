import { allOf, EntityField, eq, exists, FilterNode, matchAll, not } from '@app/filters';
import { SearchHit } from '@app/memories';

export type MemorySource = 'long_term' | 'short_term';

/**
 * Exact equalities on the ids given: the Memory Service passes ids to mem0 as literals, so `*` is a
 * name here, not the platform's wildcard (hence raw nodes, not `legacyFilter`).
 */
export function idsFilter(ids: Partial<Record<EntityField, string | null | undefined>>): FilterNode {
  const nodes = Object.entries(ids)
    .filter((entry): entry is [EntityField, string] => typeof entry[1] === 'string' && entry[1] !== '')
    .map(([field, value]) => eq(field, value));
  return allOf(nodes) ?? matchAll();
}

/** Long-term memory has no run_id. */
export const NO_RUN: FilterNode = not(exists('run_id'));

/** The run_ids of the last `days` UTC days, today first, as YYYY-MM-DD (short-term memory's run_ids). */
export function recentRunIds(days: number, now: Date = new Date()): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, back) => new Date(today - back * 86_400_000).toISOString().slice(0, 10));
}

/**
 * Both searches merged best first; a memory found twice (same id, or the same text stored under
 * another run) is kept once, with its higher score.
 */
export function mergeBySource(found: { source: MemorySource; hits: SearchHit[] }[]) {
  const ranked = found
    .flatMap(({ source, hits }) => hits.map((hit) => ({ source, hit })))
    .sort((a, b) => b.hit.score - a.hit.score);
  const ids = new Set<string>();
  const texts = new Set<string>();
  return ranked.filter(({ hit }) => {
    const duplicate = ids.has(hit.memory.id) || texts.has(hit.memory.memory);
    ids.add(hit.memory.id);
    texts.add(hit.memory.memory);
    return !duplicate;
  });
}
