import request from 'supertest';
import { projectState } from '../utils/project-state';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

describe('full batches and concurrent verbatim adds', () => {
  let t: TestApp;
  let a: Tenant;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  beforeAll(async () => {
    t = await createTestApp({ worker: true });
    a = await t.newTenant('speed-a');
  });
  afterAll(() => t.close());

  const add = (body: Record<string, unknown>) =>
    request(t.http)
      .post('/v3/memories/add/')
      .set(as(a))
      .send({ infer: false, ...body });

  it('refuses a 1000-item update whose item 999 is bad, changing nothing; the same batch fixed applies whole', async () => {
    const messages = Array.from({ length: 1000 }, (_, index) => ({
      role: 'user',
      content: `Met Ana in Porto ${index}`,
    }));
    const response = await add({ messages, user_id: 'speed-batch' }).expect(200);
    const ids: string[] = response.body.results.map((result: { id: string }) => result.id);
    expect(ids).toHaveLength(1000);
    const before = await projectState(t, a.projectId);

    const memories = ids.map((id, index) => ({ memory_id: id, text: `Sailed with Rui in Faro ${index}` }));
    const bad = memories.map((item, index) => (index === 998 ? { memory_id: item.memory_id, text: 7 } : item));
    await request(t.http)
      .put('/v1/batch/')
      .set(as(a))
      .send({ memories: bad })
      .expect(400, { error: `text must be a string (memory ${ids[998]})` });
    const unknown = '00000000-0000-4000-8000-000000000999';
    const missing = memories.map((item, index) => (index === 998 ? { ...item, memory_id: unknown } : item));
    await request(t.http)
      .put('/v1/batch/')
      .set(as(a))
      .send({ memories: missing })
      .expect(400, { error: `Memory not found: ${unknown}` });
    await request(t.http)
      .delete('/v1/batch/')
      .set(as(a))
      .send({ memories: missing.map(({ memory_id }) => ({ memory_id })) })
      .expect(400, { error: `Memory not found: ${unknown}` });
    expect(await projectState(t, a.projectId)).toEqual(before);

    await request(t.http)
      .put('/v1/batch/')
      .set(as(a))
      .send({ memories })
      .expect(200, { message: 'Successfully updated 1000 memories' });
    const history = await t.prisma.memoryHistory.findMany({ where: { projectId: a.projectId, event: 'UPDATE' } });
    expect(history).toHaveLength(1000);
    const last = history.find((entry) => entry.memoryId === ids[999])!;
    expect([last.oldMemory, last.newMemory]).toEqual(['Met Ana in Porto 999', 'Sailed with Rui in Faro 999']);
    const updates = await t.prisma.webhookOutbox.count({
      where: { projectId: a.projectId, eventType: 'memory_update' },
    });
    expect(updates).toBe(1000);

    await request(t.http)
      .delete('/v1/batch/')
      .set(as(a))
      .send({ memories: ids.map((id) => ({ memory_id: id })) })
      .expect(200, { message: 'Successfully deleted 1000 memories' });
    expect(await t.prisma.memory.count({ where: { projectId: a.projectId } })).toBe(0);
    const deletes = await t.prisma.webhookOutbox.findMany({
      where: { projectId: a.projectId, eventType: 'memory_delete' },
    });
    expect(deletes).toHaveLength(1000);
    expect(deletes.map((row) => (row.payload as { event_details: { id: string } }).event_details.id).sort()).toEqual(
      [...ids].sort(),
    );
  });

  it('stores a text sent by concurrent adds of one scope once; each add has its own event and webhook', async () => {
    const texts = ['Drinks oolong tea', 'Drinks oolong tea', 'Rides a red bicycle', 'Drinks oolong tea'];
    const responses = await Promise.all(
      texts.map((text, index) => add({ messages: text, user_id: `speed-${index % 2}` })),
    );
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    // user 1 sent the tea text twice (adds 1 and 3): one of them stores it.
    const stored = await t.prisma.memory.findMany({ where: { projectId: a.projectId }, orderBy: { memory: 'asc' } });
    expect(stored.map((row) => [row.userId, row.memory]).sort()).toEqual([
      ['speed-0', 'Drinks oolong tea'],
      ['speed-0', 'Rides a red bicycle'],
      ['speed-1', 'Drinks oolong tea'],
    ]);
    const results = responses.map((response) => response.body.results as { id: string }[]);
    expect(results.map((list) => list.length).sort()).toEqual([0, 1, 1, 1]);
    for (const [index, response] of responses.entries()) {
      const event = await request(t.http).get(`/v1/event/${response.body.event_id}/`).set(as(a)).expect(200);
      expect(event.body.status).toBe('SUCCEEDED');
      expect(event.body.results.map((result: { id: string }) => result.id)).toEqual(results[index].map((r) => r.id));
    }
    const webhooks = await t.prisma.webhookOutbox.findMany({
      where: { projectId: a.projectId, eventType: 'memory_add' },
    });
    const eventOf = new Map(
      webhooks
        .map((row) => (row.payload as { event_details: { id: string; event_id: string } }).event_details)
        .map((details) => [details.id, details.event_id]),
    );
    for (const [index, response] of responses.entries()) {
      for (const { id } of results[index]) {
        expect(eventOf.get(id)).toBe(response.body.event_id);
      }
    }
  });
  it('stores one text sent by many concurrent adds of one scope once, whichever groups they are written in', async () => {
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => add({ messages: 'Keeps bees on the roof', user_id: 'speed-bees' })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(12).fill(200));
    const stored = await t.prisma.memory.findMany({ where: { projectId: a.projectId, userId: 'speed-bees' } });
    expect(stored.map((row) => row.memory)).toEqual(['Keeps bees on the roof']);
    const results = responses.map((response) => (response.body.results as { id: string }[]).map((r) => r.id));
    expect(results.flat()).toEqual([stored[0].id]);
    const events = await t.prisma.event.findMany({
      where: { id: { in: responses.map((response) => response.body.event_id as string) } },
    });
    expect(events.map((event) => event.status)).toEqual(Array(12).fill('SUCCEEDED'));
  });
});
