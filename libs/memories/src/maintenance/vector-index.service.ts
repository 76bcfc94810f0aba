import { Inject, Injectable, Logger } from '@nestjs/common';
import { Embedder, EMBEDDER } from '@app/ai';
import { JobName, JobStatus, QueueService } from '@app/queue';
import { VectorIndexRepository } from './vector-index.repository';

/** Rows per statement: each new vector costs about a millisecond of graph inserts, with its row locked. */
const INDEX_CHUNK = 200;

/**
 * Makes sure the configured embedder has its HNSW index (switching embedders needs no migration), and
 * moves the vectors that batch updates and verbatim adds leave pending into it.
 */
@Injectable()
export class VectorIndexService {
  private readonly logger = new Logger(VectorIndexService.name);

  constructor(
    private readonly indexes: VectorIndexRepository,
    private readonly queue: QueueService,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async ensureForEmbedder(): Promise<void> {
    const name = await this.indexes.ensure(this.embedder.id, this.embedder.dimensions);
    this.logger.log(`vector index ${name} ready for ${this.embedder.id}`);
  }

  /**
   * Queues the project's indexing once a write that left vectors pending has committed, to run after
   * `delayMs` (a stream of writes then shares one run). At most one job per project waits: writes during a
   * run queue one more, which moves what that run could not see yet. The write stands either way, so a
   * refused job is only logged (the job sweeper queues it again); answers whether it was queued.
   */
  async indexLater(projectId: string, delayMs = 0): Promise<boolean> {
    try {
      await this.queue.add(
        { name: JobName.IndexVectors, data: { projectId } },
        { delay: delayMs, deduplication: { id: `index-vectors:${projectId}`, keepLastIfActive: true } },
      );
      return true;
    } catch (error) {
      this.logger.warn({ projectId, err: error }, 'vector indexing not queued; the job sweeper will');
      return false;
    }
  }

  /** Queues indexing for up to `limit` projects with vectors pending since before `before` (a job late or lost). */
  async indexLate(before: Date, limit: number): Promise<number> {
    let queued = 0;
    for (const projectId of await this.indexes.pendingProjects(before, limit)) {
      queued += Number(await this.indexLater(projectId));
    }
    return queued;
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
