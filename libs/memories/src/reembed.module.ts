import { Module } from '@nestjs/common';
import { ReembedRepository } from './repositories/reembed.repository';
import { VectorIndexRepository } from './repositories/vector-index.repository';
import { ReembedService } from './services/reembed.service';

/** Re-embedding of stored memories with the configured embedder, for the admin CLI: Postgres only. */
@Module({
  providers: [ReembedRepository, VectorIndexRepository, ReembedService],
  exports: [ReembedService],
})
export class ReembedModule {}
