import { Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { VectorIndexService } from '@app/memories';
import { bullPrefix, QueueName } from '@app/queue';
import { eventually } from '../utils/events';
import { createTestApp, TestApp } from '../utils/test-app';

/**
 * The indexing jobs writes queue, against the real Redis: one waits per project however many writes ask,
 * and a write during a run gets a run after it (which moves what the first could not see).
 */
describe('vector indexing jobs', () => {
  let t: TestApp;
  let connection: Redis;
  let queue: Queue;
  const projectId = '00000000-0000-4000-8000-00000000a11e';
  const other = '00000000-0000-4000-8000-00000000b0b0';

  beforeAll(async () => {
    t = await createTestApp();
    connection = new Redis(t.config.env.REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QueueName.VectorIndexing, { connection, prefix: bullPrefix(t.config.env.REDIS_PREFIX) });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    await t.close();
  });

  it('keeps one job waiting per project, and queues one more when a write comes during a run', async () => {
    const indexing = t.app.get(VectorIndexService);
    for (let write = 0; write < 5; write++) {
      expect(await indexing.indexLater(projectId)).toBe(true);
    }
    await indexing.indexLater(other);
    const waiting = await queue.getJobs(['waiting']);
    expect(waiting.map((job) => (job.data as { projectId: string }).projectId).sort()).toEqual([projectId, other]);

    // A worker whose first run of the project blocks until released: writes during it must not be lost.
    const runs: string[] = [];
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const workerConnection = connection.duplicate();
    const worker = new Worker(
      QueueName.VectorIndexing,
      async (job: Job<{ projectId: string }>) => {
        runs.push(job.data.projectId);
        if (job.data.projectId === projectId && !runs.slice(0, -1).includes(projectId)) {
          started();
          await blocked;
        }
      },
      { connection: workerConnection, prefix: bullPrefix(t.config.env.REDIS_PREFIX), concurrency: 1 },
    );
    try {
      await running;
      await indexing.indexLater(projectId);
      await indexing.indexLater(projectId);
      release();
      await eventually(async () => (runs.filter((id) => id === projectId).length === 2 ? true : undefined));
      await eventually(async () =>
        (await queue.getJobCounts('waiting', 'active', 'delayed')).waiting === 0 ? true : undefined,
      );
      expect(runs.filter((id) => id === projectId)).toHaveLength(2);
      expect(runs).toContain(other);
    } finally {
      await worker.close();
      workerConnection.disconnect();
    }
  });
});
