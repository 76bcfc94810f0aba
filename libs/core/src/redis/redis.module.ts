import { Global, Inject, Injectable, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { closeRedisClient, createRedisClient, whenReady } from './redis';

export const REDIS = Symbol('REDIS');

const STARTUP_WAIT_MS = 2000;

@Injectable()
class RedisLifecycle implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** Commands fail while the client is not connected, so the first requests should not race the connection. */
  onModuleInit(): Promise<void> {
    return whenReady(this.redis, STARTUP_WAIT_MS);
  }

  onModuleDestroy(): Promise<void> {
    return closeRedisClient(this.redis);
  }
}

/** One shared ioredis client, its keys under `${REDIS_PREFIX}:`. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        createRedisClient(config.env.REDIS_URL, {
          keyPrefix: `${config.env.REDIS_PREFIX}:`,
          commandTimeoutMs: config.env.REDIS_COMMAND_TIMEOUT_MS,
        }),
    },
    RedisLifecycle,
  ],
  exports: [REDIS],
})
export class RedisModule {}
