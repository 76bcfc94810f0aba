import { Redis, RedisOptions } from 'ioredis';

/** Plain connection options from a redis:// URL (BullMQ wants an options object, not a client). */
export function redisOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.replace('/', '');
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: db ? Number(db) : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
  };
}

/** A client that fails fast instead of queueing commands forever while Redis is unreachable. */
export function createRedisClient(url: string, keyPrefix?: string): Redis {
  const client = new Redis({
    ...redisOptions(url),
    keyPrefix,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  // ioredis reconnects by itself; commands fail fast meanwhile and /readyz reports the outage.
  client.on('error', () => undefined);
  return client;
}
