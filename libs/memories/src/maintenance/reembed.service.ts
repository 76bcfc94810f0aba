import { Inject, Injectable } from '@nestjs/common';
import { Embedder, EMBEDDER } from '@app/ai';
import { embeddingText } from '../annotation/entities';
import { ReembedRepository } from './reembed.repository';
import { VectorIndexRepository } from './vector-index.repository';

export const REEMBED_BATCH = 500;

export interface ReembedOptions {
  projectId?: string;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ReembedSummary {
  embedder: string;
  /** Rows that got the configured embedder's vector; skipped ones changed while being embedded. */
  embedded: number;
  skipped: number;
}

/** Gives every memory the configured embedder's vector, after a switch of embedder (`npm run admin -- reembed`). */
@Injectable()
export class ReembedService {
  constructor(
    private readonly rows: ReembedRepository,
    private readonly indexes: VectorIndexRepository,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async reembed(options: ReembedOptions = {}): Promise<ReembedSummary> {
    const { id } = this.embedder;
    const batchSize = options.batchSize ?? REEMBED_BATCH;
    // Built before the rows move over: searches stay fast during a long run, and the worker finds it ready.
    await this.indexes.ensure(id, this.embedder.dimensions);
    const total = await this.rows.countStale(id, options.projectId);
    let embedded = 0;
    let skipped = 0;
    let after: string | null = null;
    for (;;) {
      const batch = await this.rows.staleAfter(id, after, batchSize, options.projectId);
      if (batch.length === 0) break;
      const vectors = await this.embedder.embed(
        batch.map((row) => (row.memory.trim() ? embeddingText(row.memory) : ' ')),
      );
      const written = await this.rows.write(
        id,
        batch.map((memory, i) => ({ memory, vector: vectors[i] })),
      );
      embedded += written;
      skipped += batch.length - written;
      after = batch[batch.length - 1].id;
      options.onProgress?.(embedded + skipped, total);
    }
    return { embedder: id, embedded, skipped };
  }
}
