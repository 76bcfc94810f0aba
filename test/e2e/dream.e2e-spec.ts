import request from 'supertest';
import { waitForEvent } from '../utils/events';
import { queuesIdle } from '../utils/queues';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

interface Row {
  id: string;
  memory: string;
  lifecycle_state: string;
  replaced_by: string | null;
}

/** Supersede and merge as memories are added (offline rules), through both add pipelines. */
describe('memories stay true: supersede and merge at add time (offline)', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  beforeAll(async () => {
    t = await createTestApp({ worker: true });
    a = await t.newTenant('dream');
    b = await t.newTenant('dream-other');
  });
  afterAll(() => t.close());

  async function addV3(userId: string, content: string, tenant = a) {
    const queued = await request(t.http)
      .post('/v3/memories/add/')
      .set(as(tenant))
      .send({ messages: [{ role: 'user', content }], user_id: userId })
      .expect(200);
    const event = await waitForEvent(t, tenant.key, queued.body.event_id);
    expect(event.status).toBe('SUCCEEDED');
    return event.results as { id: string; memory: string }[];
  }

  async function list(userId: string, extra: Record<string, unknown> = {}): Promise<Row[]> {
    const response = await request(t.http)
      .post('/v3/memories/')
      .set(as(a))
      .send({ filters: { user_id: userId }, ...extra })
      .expect(200);
    return response.body.results;
  }

  async function search(userId: string, query: string, extra: Record<string, unknown> = {}): Promise<Row[]> {
    const response = await request(t.http)
      .post('/v3/memories/search/')
      .set(as(a))
      .send({ query, filters: { user_id: userId }, ...extra })
      .expect(200);
    return response.body.results;
  }

  it('supersedes "Lives in Lisbon" when the user moves to Berlin: linked, in history, gone with latest_only', async () => {
    const [lisbon] = await addV3('rui', 'I live in Lisbon.');
    expect(lisbon.memory).toBe('Lives in Lisbon');
    const results = await addV3('rui', 'I moved to Berlin, I no longer live in Lisbon.');
    // "No longer lives in Lisbon" only ends what "Moved to Berlin" replaces: it is not stored beside it.
    expect(results.map((row) => row.memory)).toEqual(['Moved to Berlin']);
    const berlin = results[0];

    const old = (await request(t.http).get(`/v1/memories/${lisbon.id}/`).set(as(a)).expect(200)).body;
    expect(old).toMatchObject({ lifecycle_state: 'superseded', replaced_by: berlin.id });
    const history = (await request(t.http).get(`/v1/memories/${lisbon.id}/history/`).set(as(a)).expect(200)).body;
    expect(history.map((entry: { event: string }) => entry.event)).toEqual(['ADD', 'UPDATE']);
    expect(history[1]).toMatchObject({
      old_memory: 'Lives in Lisbon',
      new_memory: 'Lives in Lisbon',
      metadata: { lifecycle_state: 'superseded', replaced_by: berlin.id },
      input: [{ role: 'user', content: 'I moved to Berlin, I no longer live in Lisbon.' }],
    });

    // Superseded memories stay in default reads, labelled; latest_only keeps the current truth only.
    const all = await search('rui', 'Where does the user live?');
    expect(all.find((row) => row.id === lisbon.id)).toMatchObject({ lifecycle_state: 'superseded' });
    const latest = await search('rui', 'Where does the user live?', { latest_only: true });
    expect(latest[0]).toMatchObject({ id: berlin.id, memory: 'Moved to Berlin', lifecycle_state: 'active' });
    expect(latest.map((row) => row.id)).not.toContain(lisbon.id);
    expect((await list('rui', { latest_only: true })).map((row) => row.memory)).toEqual(['Moved to Berlin']);

    // Another project cannot see the link.
    await request(t.http).get(`/v1/memories/${lisbon.id}/`).set(as(b)).expect(404);

    // Deleting the current memory with delete_linked takes the chain it replaced along.
    const deleted = await request(t.http)
      .delete(`/v1/memories/${berlin.id}/?delete_linked=true`)
      .set(as(a))
      .expect(200);
    expect(deleted.body).toEqual({ message: 'Memory deleted successfully!', cascade_count: 1 });
    await request(t.http).get(`/v1/memories/${lisbon.id}/`).set(as(a)).expect(404);
  });

  it('does not supersede a fact about someone else', async () => {
    const [own] = await addV3('ana', 'I live in Lisbon.');
    const [sister] = await addV3('ana', 'My sister lives in Berlin.');
    expect(sister.memory).toBe('Sister lives in Berlin');
    const rows = await list('ana', { latest_only: true });
    expect(rows.map((row) => row.id).sort()).toEqual([own.id, sister.id].sort());
    expect(rows.every((row) => row.lifecycle_state === 'active' && row.replaced_by === null)).toBe(true);
  });

  it('merges a barer memory into a richer restatement: hidden by default, shown with include_merged', async () => {
    const [bare] = await addV3('max', 'I have a dog named Rex.');
    const [rich] = await addV3('max', 'My dog Rex is a 3-year-old golden retriever.');
    expect(rich.memory).toBe('Dog Rex is a 3-year-old golden retriever');
    expect((await list('max')).map((row) => row.id)).toEqual([rich.id]);
    const everything = await list('max', { include_merged: true });
    expect(everything.find((row) => row.id === bare.id)).toMatchObject({
      lifecycle_state: 'merged',
      replaced_by: rich.id,
    });
    expect((await search('max', 'dog')).map((row) => row.id)).toEqual([rich.id]);
    // An exact repeat is still dropped by the duplicate check, not stored and merged.
    expect(await addV3('max', 'My dog Rex is a 3-year-old golden retriever.')).toEqual([]);
  });

  it('supersedes through the legacy pipeline too (ADDed facts retire what they contradict)', async () => {
    const add = async (content: string) =>
      (
        await request(t.http)
          .post('/v1/memories/')
          .set(as(a))
          .send({ messages: [{ role: 'user', content }], user_id: 'lee', async_mode: false })
          .expect(200)
      ).body as { id: string; memory: string; event: string }[];
    const [google] = await add('I work at Google.');
    const [microsoft] = await add('I joined Microsoft last month.');
    expect(microsoft).toMatchObject({ event: 'ADD', memory: 'Joined Microsoft last month' });
    const old = (await request(t.http).get(`/v1/memories/${google.id}/`).set(as(a)).expect(200)).body;
    expect(old).toMatchObject({ lifecycle_state: 'superseded', replaced_by: microsoft.id });
    await queuesIdle(t);
  });
});
