import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { AppConfig, redisOptions } from '@app/core';
import { bullPrefix } from './queue.constants';
import { QueueService } from './queue.service';

/**
 * BullMQ on the configured Redis. The root connection is the workers': blocking reads wait for Redis
 * to come back rather than fail. Producers (QueueService) have their own, which fails fast. No queue
 * is registered here: processors then take the root connection, and registering builds the processor
 * explorer.
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        connection: { ...redisOptions(config.env.REDIS_URL), maxRetriesPerRequest: null },
        prefix: bullPrefix(config.env.REDIS_PREFIX),
      }),
    }),
    BullModule.registerQueue(),
  ],
  providers: [QueueService],
  exports: [QueueService],
})
export class QueueModule {}
