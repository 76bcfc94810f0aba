import { Module } from '@nestjs/common';
import { QueueModule } from '@app/queue';
import { AnnotationsRepository } from './repositories/annotations.repository';
import { EventsRepository } from './repositories/events.repository';
import { ExportsRepository } from './repositories/exports.repository';
import { MemoriesRepository } from './repositories/memories.repository';
import { JobSweeper } from './services/job-sweeper.service';

/** The worker side of durable acceptance: the sweep that gets every accepted event and export finished. */
@Module({
  imports: [QueueModule],
  providers: [AnnotationsRepository, MemoriesRepository, EventsRepository, ExportsRepository, JobSweeper],
  exports: [JobSweeper],
})
export class JobSweeperModule {}
