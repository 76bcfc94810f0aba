import { Module } from '@nestjs/common';
import { QueueModule } from '@app/queue';
import { AnnotationsRepository } from '../annotation/annotations.repository';
import { EventsRepository } from '../events/events.repository';
import { ExportsRepository } from '../exports/exports.repository';
import { MemoriesRepository } from '../memory/memories.repository';
import { JobSweeper } from './job-sweeper.service';
import { VectorIndexRepository } from './vector-index.repository';
import { VectorIndexService } from './vector-index.service';

/**
 * The worker side of durable acceptance: the sweep that gets every accepted event and export finished, and
 * every pending vector indexed.
 */
@Module({
  imports: [QueueModule],
  providers: [
    AnnotationsRepository,
    MemoriesRepository,
    EventsRepository,
    ExportsRepository,
    VectorIndexRepository,
    VectorIndexService,
    JobSweeper,
  ],
  exports: [JobSweeper],
})
export class JobSweeperModule {}
