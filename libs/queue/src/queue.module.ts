import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { AppConfig } from '@app/core';
import { QueueName } from './queue.constants';
import { QueueService } from './queue.service';

const QUEUES = Object.values(QueueName).map((name) => ({ name }));

/**
 * BullMQ on the configured Redis. The `{...}` hash tag keeps each queue's keys in one Redis Cluster
 * slot, so the same prefix works on a single node and on a cluster.
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        connection: { url: config.env.REDIS_URL, maxRetriesPerRequest: null },
        prefix: `{${config.env.REDIS_PREFIX}:bull}`,
      }),
    }),
    BullModule.registerQueue(...QUEUES),
  ],
  providers: [QueueService],
  exports: [BullModule, QueueService],
})
export class QueueModule {}
