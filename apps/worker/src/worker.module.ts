import { Module } from '@nestjs/common';
import { CoreModule, LoggingModule } from '@app/core';
import { QueueModule } from '@app/queue';

/** The BullMQ worker process: one processor per queue, each dispatching to a lib handler. */
@Module({
  imports: [CoreModule, LoggingModule, QueueModule],
})
export class WorkerModule {}
