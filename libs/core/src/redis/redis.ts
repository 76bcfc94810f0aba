import { Redis, RedisOptions } from 'ioredis';

/** Plain connection options from a redis:// URL (BullMQ wants an options object, not a client). */
export function redisOptions(url: string): RedisOptions & { retryStrategy: (attempt: number) => number } {
  const parsed = new URL(url);
  const db = parsed.pathname.replace('/', '');
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: db ? Number(db) : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    connectTimeout: 2000,
    // Back within two seconds of Redis returning (ioredis and BullMQ would wait up to 20 s).
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
  };
}

/**
 * A client for request paths: while Redis is unreachable a command fails at once instead of waiting
 * in the offline queue, and a command Redis does not answer fails after `commandTimeoutMs`.
 */
export function createRedisClient(url: string, options: { keyPrefix?: string; commandTimeoutMs: number }): Redis {
  const client = new Redis({
    ...redisOptions(url),
    keyPrefix: options.keyPrefix,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs,
  });
  // ioredis reconnects by itself; commands fail fast meanwhile and /readyz reports the outage.
  client.on('error', () => undefined);
  return client;
}

/** Resolves once the client is connected, or after `timeoutMs` (start-up does not wait on a dead Redis). */
export function whenReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once('ready', done);
  });
}

/** Closes a client politely when it is connected, at once otherwise. */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}
