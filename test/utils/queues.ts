import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { bullPrefix, QueueName } from '@app/queue';
import { eventually } from './events';
import { TestApp } from './test-app';

/** Waits until no job of the test app's queues is waiting, delayed or running (follow-up jobs included). */
export async function queuesIdle(t: TestApp, timeoutMs = 20_000): Promise<void> {
  const connection = new Redis(t.config.env.REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = bullPrefix(t.config.env.REDIS_PREFIX);
  const queues = Object.values(QueueName).map((name) => new Queue(name, { connection, prefix }));
  try {
    // Two idle readings in a row: a finishing job may queue its follow-up between them.
    let idleReadings = 0;
    await eventually(async () => {
      const counts = await Promise.all(queues.map((queue) => queue.getJobCounts('waiting', 'delayed', 'active')));
      const busy = counts.some((count) => Object.values(count).some((n) => n > 0));
      idleReadings = busy ? 0 : idleReadings + 1;
      return idleReadings >= 2 ? true : undefined;
    }, timeoutMs);
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
    connection.disconnect();
  }
}
