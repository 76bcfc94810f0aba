import { Inject, Injectable, Logger } from '@nestjs/common';
import { Embedder, EMBEDDER } from '@app/ai';
import { VectorIndexRepository } from './vector-index.repository';

/** Makes sure the configured embedder has its HNSW index (switching embedders needs no migration). */
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
}
