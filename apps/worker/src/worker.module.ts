import { Module } from '@nestjs/common';
import { CoreModule, LoggingModule } from '@app/core';
import { WorkerMetricsServer } from './metrics-server';
import { ProcessorsModule } from './processors/processors.module';

/** The BullMQ worker process: one processor per queue, each dispatching to a lib handler. */
@Module({
  imports: [CoreModule, LoggingModule, ProcessorsModule],
  providers: [WorkerMetricsServer],
})
export class WorkerModule {}
