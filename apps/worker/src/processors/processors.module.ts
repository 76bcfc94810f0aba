import { Module } from '@nestjs/common';
import { AiModule } from '@app/ai';
import { MemoriesModule } from '@app/memories';
import { QueueModule } from '@app/queue';
import { JobHandlers } from './job-handlers';
import { CategorizationProcessor, DeletionProcessor, IngestionProcessor } from './processors';

/** The queue consumers; the worker app runs them (and the e2e tests, in the API's process). */
@Module({
  imports: [AiModule, MemoriesModule, QueueModule],
  providers: [JobHandlers, IngestionProcessor, CategorizationProcessor, DeletionProcessor],
})
export class ProcessorsModule {}
