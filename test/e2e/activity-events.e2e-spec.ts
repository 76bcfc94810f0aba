import request from 'supertest';
import { eventually } from '../utils/events';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

describe('searches and lists as events; the project-wide memory history', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  beforeAll(async () => {
    t = await createTestApp();
    a = await t.newTenant('activity-a');
    b = await t.newTenant('activity-b');
    await request(t.http)
      .post('/v3/memories/add/')
      .set(as(a))
      .send({
        messages: ['Likes jazz', 'Plays the cello'].map((content) => ({ role: 'user', content })),
        user_id: 'ana',
        infer: false,
      })
      .expect(200);
  });
  afterAll(() => t.close());

  const eventsOf = async (tenant: Tenant, type: string) =>
    (await request(t.http).get(`/v1/events/?event_type=${type}`).set(as(tenant)).expect(200)).body as {
      count: number;
      results: {
        event_type: string;
        status: string;
        payload: Record<string, unknown>;
        metadata: { result_count: number };
      }[];
    };

  it('records each search and list with its payload and result count, and counts them in the stats', async () => {
    await request(t.http)
      .post('/v3/memories/search/')
      .set(as(a))
      .send({ query: 'music', filters: { user_id: 'ana' } })
      .expect(200);
    await request(t.http)
      .post('/v2/memories/search/')
      .set(as(a))
      .send({ query: 'cello', filters: { user_id: 'ana' } })
      .expect(200);
    await request(t.http).post('/v1/memories/search/').set(as(a)).send({ query: 'jazz', user_id: 'ana' }).expect(200);
    await request(t.http).get('/v1/memories/?user_id=ana').set(as(a)).expect(200);
    await request(t.http)
      .post('/v2/memories/')
      .set(as(a))
      .send({ filters: { user_id: 'ana' } })
      .expect(200);
    const searches = await eventually(async () => {
      const listed = await eventsOf(a, 'SEARCH');
      return listed.count === 3 ? listed : undefined;
    });
    expect(searches.results.map((event) => event.payload.query).sort()).toEqual(['cello', 'jazz', 'music']);
    expect(searches.results.every((event) => event.status === 'SUCCEEDED')).toBe(true);
    const lists = await eventually(async () => {
      const listed = await eventsOf(a, 'GET_ALL');
      return listed.count === 2 ? listed : undefined;
    });
    expect(lists.results.map((event) => event.metadata.result_count)).toEqual([2, 2]);
    const stats = await request(t.http).get('/v1/stats/').set(as(a)).expect(200);
    expect(stats.body).toMatchObject({ total_retrieval_events: 5, total_api_retrieval_events: 5 });
    expect((await eventsOf(b, 'SEARCH')).count).toBe(0);
  });

  it('serves the history entries of all the project’s memories at /v1/memories/events/', async () => {
    const all = await request(t.http).get('/v1/memories/events/').set(as(a)).expect(200);
    expect(all.body).toMatchObject({ count: 2, next: null, previous: null });
    expect(all.body.results.map((entry: { new_memory: string }) => entry.new_memory).sort()).toEqual([
      'Likes jazz',
      'Plays the cello',
    ]);
    expect(all.body.results[0]).toMatchObject({ event: 'ADD', memory_id: expect.any(String), user_id: 'ana' });
    const first = await request(t.http).get('/v1/memories/events/?limit=1').set(as(a)).expect(200);
    expect(first.body.results).toHaveLength(1);
    expect(first.body.next).toMatch(/page=2/);
    expect((await request(t.http).get('/v1/memories/events/').set(as(b)).expect(200)).body.count).toBe(0);
  });
});
