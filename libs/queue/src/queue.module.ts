import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { AppConfig } from '@app/core';

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
  ],
  exports: [BullModule],
})
export class QueueModule {}
