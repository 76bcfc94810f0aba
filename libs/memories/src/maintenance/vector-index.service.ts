import { Inject, Injectable, Logger } from '@nestjs/common';
import { Embedder, EMBEDDER } from '@app/ai';
import { JobStatus } from '@app/queue';
import { VectorIndexRepository } from './vector-index.repository';

/** Rows per statement: each new vector costs about a millisecond of graph inserts, with its row locked. */
const INDEX_CHUNK = 200;

/**
 * Makes sure the configured embedder has its HNSW index (switching embedders needs no migration), and
 * moves the vectors batch updates leave pending into it.
 */
@Injectable()
export class VectorIndexService {
  private readonly logger = new Logger(VectorIndexService.name);

  constructor(
    private readonly indexes: VectorIndexRepository,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async ensureForEmbedder(): Promise<void> {
    const name = await this.indexes.ensure(this.embedder.id, this.embedder.dimensions);
    this.logger.log(`vector index ${name} ready for ${this.embedder.id}`);
  }

  /** How many vectors wait for indexing, in every project (the metrics' backlog). */
  pendingCount(): Promise<number> {
    return this.indexes.countPending();
  }

  /** Indexes every vector of the project still pending, a chunk at a time (short row locks). */
  async handleIndexPending({ projectId }: { projectId: string }): Promise<JobStatus> {
    let moved = 0;
    let chunk: number;
    do {
      chunk = await this.indexes.indexPending(projectId, INDEX_CHUNK);
      moved += chunk;
    } while (chunk === INDEX_CHUNK);
    return moved > 0 ? JobStatus.Success : JobStatus.Skipped;
  }
}
