import request from 'supertest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { bullPrefix, QueueName } from '@app/queue';
import { waitForEvent } from '../utils/events';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

/**
 * With the in-process categoriser, v3 adds store their memories categorised in the transaction that
 * inserts them: their `memory_categorize` webhooks are queued with the memories and no categorisation
 * job follows.
 */
describe('adds categorised in their own transaction (offline categoriser)', () => {
  let t: TestApp;
  let a: Tenant;
  let connection: Redis;
  let categorization: Queue;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  beforeAll(async () => {
    t = await createTestApp({ worker: true });
    a = await t.newTenant('inlinecat');
    connection = new Redis(t.config.env.REDIS_URL, { maxRetriesPerRequest: null });
    categorization = new Queue(QueueName.Categorization, { connection, prefix: bullPrefix(t.config.env.REDIS_PREFIX) });
  });
  afterAll(async () => {
    await categorization.close();
    connection.disconnect();
    await t.close();
  });

  const categorizeWebhooks = async () =>
    (
      await t.prisma.webhookOutbox.findMany({
        where: { projectId: a.projectId, eventType: 'memory_categorize' },
        orderBy: { createdAt: 'asc' },
      })
    ).map((row) => (row.payload as { event_details: { memory_id: string; categories: string[] } }).event_details);

  it('stores a verbatim add categorised when it answers, with its webhooks and no job', async () => {
    const response = await request(t.http)
      .post('/v3/memories/add/')
      .set(as(a))
      .send({
        messages: [
          { role: 'user', content: 'I am allergic to peanuts and shellfish' },
          { role: 'user', content: 'I work as a data engineer at a logistics company' },
        ],
        user_id: 'verbatim',
        infer: false,
      })
      .expect(200);
    const ids = (response.body.results as { id: string }[]).map((item) => item.id);
    expect(ids).toHaveLength(2);
    const rows = await t.prisma.memory.findMany({ where: { projectId: a.projectId, id: { in: ids } } });
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.categories.length).toBeGreaterThan(0);
    }
    const webhooks = await categorizeWebhooks();
    expect(webhooks.filter((hook) => ids.includes(hook.memory_id))).toHaveLength(2);
    expect(await categorization.getJob(`categorize-${response.body.event_id}`)).toBeUndefined();
  });

  it('stores an inferred v3 add categorised by the time its event succeeds, with no job', async () => {
    const queued = await request(t.http)
      .post('/v3/memories/add/')
      .set(as(a))
      .send({ messages: 'I prefer window seats on long flights', user_id: 'inferred' })
      .expect(200);
    const event = await waitForEvent(t, a.key, queued.body.event_id);
    const [item] = event.results as { id: string }[];
    const row = await t.prisma.memory.findFirstOrThrow({ where: { projectId: a.projectId, id: item.id } });
    expect(row.categories.length).toBeGreaterThan(0);
    expect((await categorizeWebhooks()).some((hook) => hook.memory_id === item.id)).toBe(true);
    expect(await categorization.getJob(`categorize-${queued.body.event_id}`)).toBeUndefined();
  });

  it('stores the new texts of a batch update categorised when it answers, with their webhooks and no job', async () => {
    const added = await request(t.http)
      .post('/v3/memories/add/')
      .set(as(a))
      .send({
        messages: [{ role: 'user', content: 'I drink green tea every morning' }],
        user_id: 'batch',
        infer: false,
      })
      .expect(200);
    const [id] = (added.body.results as { id: string }[]).map((item) => item.id);
    await request(t.http)
      .put('/v1/batch/')
      .set(as(a))
      .send({ memories: [{ memory_id: id, text: 'I started learning the piano last month' }] })
      .expect(200);
    const row = await t.prisma.memory.findFirstOrThrow({ where: { projectId: a.projectId, id } });
    expect(row.memory).toBe('I started learning the piano last month');
    expect(row.categories.length).toBeGreaterThan(0);
    const hooks = (await categorizeWebhooks()).filter((hook) => hook.memory_id === id);
    // One for the add, one with the new text's categories.
    expect(hooks).toHaveLength(2);
    expect(hooks[1].categories).toEqual(row.categories);
    // Completed jobs are kept: an empty queue means none was ever queued by this file's writes.
    const counts = await categorization.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBe(0);
  });
});
