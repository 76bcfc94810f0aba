import type { Embedder } from '../ai.types';
import { ConcatEmbedder } from './concat-embedder';
import { HashEmbedder } from './hash-embedder';
import { StaticEmbedder } from './static-embedder';
import { UseLiteEmbedder } from './use-lite-embedder';

export type OfflineEmbedderKind = 'static-hash' | 'hash' | 'use-lite' | 'use-lite-hash';

/*
 * Part weights tuned on bench/offline-embedders: the lexical hash part keeps exact names, numbers and
 * unknown words apart, the semantic part matches paraphrases.
 */
export const STATIC_HASH_WEIGHTS = { semantic: 0.8, lexical: 0.6 };
export const USE_LITE_HASH_WEIGHTS = { semantic: 0.8, lexical: 0.6 };

/** The embedded embedders (bench/offline-embedders measures them); `static-hash` is the default. */
export function createOfflineEmbedder(kind: OfflineEmbedderKind, tableFile: string): Embedder {
  switch (kind) {
    case 'hash':
      return new HashEmbedder();
    case 'use-lite':
      return new UseLiteEmbedder();
    case 'use-lite-hash':
      return concat(new UseLiteEmbedder(), USE_LITE_HASH_WEIGHTS);
    case 'static-hash':
      return concat(new StaticEmbedder(tableFile).load(), STATIC_HASH_WEIGHTS);
  }
}

function concat(semantic: Embedder, weights: { semantic: number; lexical: number }): ConcatEmbedder {
  return new ConcatEmbedder([
    { embedder: semantic, weight: weights.semantic },
    { embedder: new HashEmbedder(), weight: weights.lexical },
  ]);
}
