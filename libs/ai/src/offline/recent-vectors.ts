import { LRUCache } from 'lru-cache';
import type { Embedder } from '../ai.types';

/**
 * An embedder that keeps the vectors of the texts it embedded lately. The offline rules compare the same
 * texts again and again (a scope's memories are the candidates of each of its adds; a fact is judged, then
 * categorised), and a deterministic embedder gives the same vector each time.
 */
export class RecentVectors implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  private readonly recent: LRUCache<string, number[]>;

  constructor(
    private readonly embedder: Embedder,
    max = 2048,
  ) {
    this.id = embedder.id;
    this.dimensions = embedder.dimensions;
    this.recent = new LRUCache({ max });
  }

  async embed(texts: string[]): Promise<number[][]> {
    const found = new Map<string, number[]>();
    for (const text of texts) {
      const vector = this.recent.get(text);
      if (vector) found.set(text, vector);
    }
    const missing = [...new Set(texts.filter((text) => !found.has(text)))];
    if (missing.length > 0) {
      const vectors = await this.embedder.embed(missing);
      missing.forEach((text, index) => {
        found.set(text, vectors[index]);
        this.recent.set(text, vectors[index]);
      });
    }
    return texts.map((text) => found.get(text)!);
  }
}
