import request from 'supertest';
import { JobName, QueueService } from '@app/queue';
import { ExportsProcessor, IngestionProcessor } from '../../apps/worker/src/processors/processors';
import { eventually } from '../utils/events';
import { memoriesByEvent, OutageRig, outageRig, settledEvents, timedAdd } from '../utils/outages';
import { Tenant, TestApp } from '../utils/test-app';

/**
 * The job sweeper and the accept path when a job is lost: retries that ran out during an outage,
 * Redis restarted without its data, Redis down when the add arrives, records past their maximum age.
 */
describe('accepted work finishes whatever Postgres and Redis do', () => {
  let rig: OutageRig;
  let t: TestApp;
  let tenant: Tenant;
  let queue: QueueService;
  let n = 0;
  const token = () => ({ Authorization: `Token ${tenant.key}` });

  beforeAll(async () => {
    rig = await outageRig({
      JOB_ATTEMPTS: '2',
      JOB_BACKOFF_MS: '100',
      JOB_BACKOFF_MAX_MS: '200',
      JOB_SWEEP_INTERVAL_MS: '300',
      JOB_SWEEP_AFTER_MS: '1500',
      JOB_MAX_AGE_MS: '3600000',
    });
    ({ t, tenant } = rig);
    queue = t.app.get(QueueService);
  }, 60_000);
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => rig?.close());

  const worker = (processor: typeof IngestionProcessor | typeof ExportsProcessor) => t.app.get(processor).worker;

  async function acceptWhilePaused(count: number): Promise<string[]> {
    await worker(IngestionProcessor).pause(true);
    const samples = await Promise.all(Array.from({ length: count }, () => timedAdd(t, tenant, n++)));
    expect(samples.map((sample) => sample.status)).toEqual(samples.map(() => 200));
    return samples.map((sample) => sample.eventId!);
  }

  async function expectStored(eventIds: string[]) {
    const events = await settledEvents(t.prisma, tenant.projectId, 20_000);
    const stored = await memoriesByEvent(t.prisma, tenant.projectId);
    for (const id of eventIds) {
      expect({ id, status: events.get(id)?.status, stored: stored.get(id) ?? 0 }).toEqual({
        id,
        status: 'SUCCEEDED',
        stored: 1,
      });
    }
  }

  it('queues an add again once its retries ran out while Postgres was down', async () => {
    const requeue = jest.spyOn(queue, 'requeue');
    const eventIds = await acceptWhilePaused(4);
    await rig.pg.stop('fast');
    await worker(IngestionProcessor).resume();
    for (const id of eventIds) {
      await eventually(async () =>
        (await queue.inspect(JobName.AddMemories, id)).state === 'failed' ? true : undefined,
      );
    }
    await rig.pg.start();
    await expectStored(eventIds);
    expect(requeue.mock.calls.map(([item]) => item.data)).toEqual(
      expect.arrayContaining(eventIds.map((eventId) => ({ projectId: tenant.projectId, eventId }))),
    );
  }, 60_000);

  it('queues adds and exports again after Redis restarted without their jobs', async () => {
    const eventIds = await acceptWhilePaused(3);
    await worker(ExportsProcessor).pause(true);
    const created = await request(t.http)
      .post('/v1/exports/')
      .set(token())
      .send({
        schema: { type: 'object', properties: { hobbies: { type: 'array', items: { type: 'string' } } } },
        user_id: 'load-0',
      })
      .expect(201);
    await rig.redis.stop();
    await rig.redis.start();
    expect((await eventually(() => queue.inspect(JobName.AddMemories, eventIds[0]).catch(() => undefined))).state).toBe(
      'unknown',
    );
    await worker(IngestionProcessor).resume();
    await worker(ExportsProcessor).resume();
    await expectStored(eventIds);
    const exported = await eventually(async () => {
      const row = await t.prisma.memoryExport.findFirst({ where: { id: created.body.id } });
      return row?.status === 'SUCCEEDED' ? row : undefined;
    }, 20_000);
    expect(exported.result).toMatchObject({ hobbies: expect.any(Array) });
  }, 60_000);

  it('answers 503 within 2 s while Redis is down, records why, and serves again once it is back', async () => {
    await rig.redis.stop();
    const started = Date.now();
    const refused = await timedAdd(t, tenant, n++);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(refused).toMatchObject({
      status: 503,
      body: { detail: 'Redis unavailable, retry later.' },
      retryAfter: '5',
    });
    const [latest] = await t.prisma.event.findMany({
      where: { projectId: tenant.projectId },
      orderBy: { createdAt: 'desc' },
      take: 1,
    });
    expect(latest).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/^Not queued \(Redis unavailable/) });
    const deletion = await request(t.http).delete('/v1/memories/?user_id=load-0').set(token());
    expect(deletion.status).toBe(503);
    // Only what queues a job needs Redis: reads are served meanwhile.
    await request(t.http)
      .post('/v3/memories/search/')
      .set(token())
      .send({ query: 'hiking', filters: { user_id: 'load-0' } })
      .expect(200);
    const ready = await request(t.http).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.error.redis.status).toBe('down');

    await rig.redis.start();
    const served = await eventually(async () => {
      const sample = await timedAdd(t, tenant, n++);
      return sample.eventId ? sample : undefined;
    }, 10_000);
    await expectStored([served.eventId!]);
  }, 60_000);

  it('fails what is past its maximum age with the reason, and settles an infer=false add its request left open', async () => {
    const old = new Date(Date.now() - 2 * 3_600_000);
    const stale = await t.prisma.event.create({
      data: {
        projectId: tenant.projectId,
        eventType: 'ADD',
        status: 'PENDING',
        payload: {},
        createdAt: old,
        updatedAt: old,
      },
    });
    const verbatim = await t.prisma.event.create({
      data: {
        projectId: tenant.projectId,
        eventType: 'ADD',
        status: 'RUNNING',
        payload: { infer: false },
        updatedAt: new Date(Date.now() - 60_000),
      },
    });
    const events = await settledEvents(t.prisma, tenant.projectId, 10_000);
    expect(events.get(stale.id)).toMatchObject({
      status: 'FAILED',
      error: 'Not processed within 1 h of being accepted',
    });
    expect(events.get(verbatim.id)).toMatchObject({
      status: 'FAILED',
      error: 'The request ended before it answered (0 of its memories were stored).',
    });
  });
});
