import { Module } from '@nestjs/common';
import { ReembedRepository } from './reembed.repository';
import { VectorIndexRepository } from './vector-index.repository';
import { ReembedService } from './reembed.service';

/** Re-embedding of stored memories with the configured embedder, for the admin CLI: Postgres only. */
@Module({
  providers: [ReembedRepository, VectorIndexRepository, ReembedService],
  exports: [ReembedService],
})
export class ReembedModule {}
