import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { REDIS } from './redis.module';

@Injectable()
export class RedisHealthService {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** Resolves when Redis answers PING; fails at once while it is unreachable (see createRedisClient). */
  async ping(): Promise<void> {
    await this.redis.ping();
  }
}
