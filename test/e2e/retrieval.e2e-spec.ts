import request from 'supertest';
import { Role } from '@app/core';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

/** List and search on every API version, over memories stored verbatim (infer=false). */
describe('retrieval: list and search routes', () => {
  let t: TestApp;
  let a: Tenant;
  let other: Tenant;
  const ids: Record<string, string> = {};
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  const FACTS: [string, string, Record<string, unknown>][] = [
    ['ramen', 'Loves spicy ramen from the noodle bar downtown', { topic: 'food' }],
    ['peanuts', 'Is allergic to peanuts and shellfish', { topic: 'health' }],
    ['lisbon', 'Sister lives in Lisbon and works as an architect', { topic: 'family' }],
    ['piano', 'Started learning the piano last month', { topic: 'hobby' }],
    ['japan', 'Planning a trip to Japan in April', { topic: 'travel' }],
  ];

  async function store(tenant: Tenant, text: string, body: Record<string, unknown>): Promise<string> {
    const response = await request(t.http)
      .post('/v3/memories/add/')
      .set(as(tenant))
      .send({ messages: [{ role: 'user', content: text }], infer: false, ...body })
      .expect(200);
    return response.body.results[0].id as string;
  }

  beforeAll(async () => {
    t = await createTestApp();
    a = await t.newTenant('retrieval');
    other = await t.newTenant('retrieval-other');
    let day = 1;
    for (const [label, text, metadata] of FACTS) {
      ids[label] = await store(a, text, { user_id: 'alice', metadata, timestamp: Date.UTC(2026, 0, day++) / 1000 });
    }
    ids.bob = await store(a, 'Bob prefers window seats on long flights', {
      user_id: 'bob',
      timestamp: Date.UTC(2026, 0, 10) / 1000,
    });
    ids.expired = await store(a, 'Has a dentist appointment on Tuesday', {
      user_id: 'alice',
      expiration_date: '2020-01-01',
    });
    ids.foreign = await store(other, 'Loves spicy ramen too', { user_id: 'alice' });
  });
  afterAll(() => t.close());

  const v3List = (body: unknown, query = '') =>
    request(t.http)
      .post(`/v3/memories/${query}`)
      .set(as(a))
      .send(body as object);
  const v3Search = (body: unknown) =>
    request(t.http)
      .post('/v3/memories/search/')
      .set(as(a))
      .send(body as object);

  describe('POST /v3/memories/', () => {
    it('pages newest first with count/next/previous, inside the project only, expired hidden', async () => {
      const first = await v3List({ filters: { user_id: 'alice' } }, '?page=1&page_size=2').expect(200);
      expect(first.body.count).toBe(5);
      expect(first.body.results.map((m: { id: string }) => m.id)).toEqual([ids.japan, ids.piano]);
      expect(first.body.previous).toBeNull();
      expect(first.body.next).toContain('page=2');
      const third = await v3List({ filters: { user_id: 'alice' } }, '?page=3&page_size=2').expect(200);
      expect(third.body.results.map((m: { id: string }) => m.id)).toEqual([ids.ramen]);
      expect(third.body.next).toBeNull();
      expect(third.body.previous).toContain('page=2');
      await v3List({ filters: { user_id: 'alice' } }, '?page=4&page_size=2').expect(404, { detail: 'Invalid page.' });
      const item = first.body.results[0];
      expect(item).toMatchObject({ user_id: 'alice', agent_id: null, run_id: null, session_id: null });
      expect(item).toHaveProperty('structured_attributes');
    });

    it('answers a count that agrees with its results while memories are being deleted', async () => {
      const doomed = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store(a, `Temporary note number ${i}`, { user_id: 'churn' })),
      );
      const deletes = doomed.map((id) => request(t.http).delete(`/v1/memories/${id}/`).set(as(a)));
      const lists = Array.from({ length: 12 }, () => v3List({ filters: { user_id: 'churn' } }, '?page_size=100'));
      const [, pages] = await Promise.all([Promise.all(deletes), Promise.all(lists)]);
      for (const page of pages) {
        expect(page.status).toBe(200);
        expect(page.body.count).toBe(page.body.results.length);
      }
    });

    it('takes page and page_size from the body too, the query winning', async () => {
      const response = await v3List({ filters: { user_id: 'alice' }, page: 2, page_size: 4 }, '?page_size=1').expect(
        200,
      );
      expect(response.body.results.map((m: { id: string }) => m.id)).toEqual([ids.piano]);
    });

    it('shows expired memories when asked, projects fields, and combines categories/keywords/dates', async () => {
      const all = await v3List({ filters: { user_id: 'alice' }, show_expired: true }).expect(200);
      expect(all.body.count).toBe(6);
      const projected = await v3List({ filters: { user_id: 'bob' }, fields: ['id', 'memory'] }).expect(200);
      expect(projected.body.results).toEqual([{ id: ids.bob, memory: 'Bob prefers window seats on long flights' }]);
      const keyword = await v3List({ filters: { user_id: '*' }, keywords: 'LISBON' }).expect(200);
      expect(keyword.body.results.map((m: { id: string }) => m.id)).toEqual([ids.lisbon]);
      const dated = await v3List({
        filters: { user_id: 'alice' },
        start_date: '2026-01-02',
        end_date: '2026-01-03',
      }).expect(200);
      expect(dated.body.results.map((m: { id: string }) => m.id)).toEqual([ids.lisbon, ids.peanuts]);
      const meta = await v3List({ filters: { user_id: 'alice', metadata: { topic: 'travel' } } }).expect(200);
      expect(meta.body.results.map((m: { id: string }) => m.id)).toEqual([ids.japan]);
    });

    it('answers 400 {error} for missing, empty, unscoped or invalid filters and top-level ids', async () => {
      await v3List({}).expect(400, { error: 'filters is required and must be an object.' });
      await v3List({ filters: {} }).expect(400, {
        error: 'At least one entity filter (user_id, agent_id, app_id, run_id) is required in filters.',
      });
      await v3List({ filters: { NOT: { user_id: 'alice' } } }).expect(400);
      await v3List({ filters: { user_id: { ne: 'alice' } } }).expect(400);
      const unknown = await v3List({ filters: { user_id: 'alice', colour: 'red' } }).expect(400);
      expect(unknown.body.error).toMatch(/^Top-level key must be a logical operator or an allowed field/);
      const nin = await v3List({ filters: { user_id: { nin: ['x'] } } }).expect(400);
      expect(nin.body.error).toMatch(/nin/);
      await v3List({ filters: { user_id: 'alice' }, user_id: 'alice' }).expect(400);
    });

    it('treats messages without filters as an add (older clients), for writers only', async () => {
      const added = await v3List({
        messages: [{ role: 'user', content: 'Collects vinyl records' }],
        user_id: 'carol',
        infer: false,
      }).expect(200);
      expect(added.body).toMatchObject({ status: 'SUCCEEDED', results: [{ memory: 'Collects vinyl records' }] });
      const reader = await t.newMember(a.projectId, Role.READER, 'reader');
      await request(t.http).post('/v3/memories/').set(as(reader)).send({ messages: 'x', user_id: 'carol' }).expect(403);
    });
  });

  describe('legacy lists', () => {
    it('POST /v2/memories/: a list, {results} with v1.1, the envelope with page+page_size in the query', async () => {
      const bare = await request(t.http)
        .post('/v2/memories/')
        .set(as(a))
        .send({ filters: { user_id: 'bob' } })
        .expect(200);
      expect(bare.body.map((m: { id: string }) => m.id)).toEqual([ids.bob]);
      const wrapped = await request(t.http)
        .post('/v2/memories/')
        .set(as(a))
        .send({ filters: { user_id: 'bob' }, output_format: 'v1.1' })
        .expect(200);
      expect(wrapped.body).toEqual({ results: [expect.objectContaining({ id: ids.bob })] });
      const paged = await request(t.http)
        .post('/v2/memories/?page=1&page_size=2')
        .set(as(a))
        .send({ filters: { user_id: 'alice' } })
        .expect(200);
      expect(paged.body).toMatchObject({ count: 5, results: [{ id: ids.japan }, { id: ids.piano }] });
      const legacyIds = await request(t.http)
        .post('/v2/memories/')
        .set(as(a))
        .send({ user_id: 'bob', filters: {} })
        .expect(200);
      expect(legacyIds.body).toHaveLength(1);
      await request(t.http)
        .post('/v2/memories/')
        .set(as(a))
        .send({ filters: {} })
        .expect(400, { message: 'One of the filters: app_id, user_id, agent_id, run_id is required!' });
    });

    it('GET /v1/memories/: query params, limit, envelope with page+page_size, array-bodied 400', async () => {
      const list = await request(t.http).get('/v1/memories/?user_id=alice&limit=2').set(as(a)).expect(200);
      expect(list.body.map((m: { id: string }) => m.id)).toEqual([ids.japan, ids.piano]);
      const meta = await request(t.http)
        .get('/v1/memories/?user_id=alice&metadata[topic]=health')
        .set(as(a))
        .expect(200);
      expect(meta.body.map((m: { id: string }) => m.id)).toEqual([ids.peanuts]);
      const json = await request(t.http)
        .get(`/v1/memories/?user_id=alice&metadata=${encodeURIComponent('{"topic":"family"}')}&fields=id`)
        .set(as(a))
        .expect(200);
      expect(json.body).toEqual([{ id: ids.lisbon }]);
      const paged = await request(t.http).get('/v1/memories/?user_id=alice&page=2&page_size=4').set(as(a)).expect(200);
      expect(paged.body).toMatchObject({ count: 5, results: [{ id: ids.ramen }] });
      const first = await request(t.http).get('/v1/memories/?user_id=alice&page=1&page_size=4').set(as(a)).expect(200);
      expect(new URL(first.body.next).searchParams.get('output_format')).toBe('v1.1');
      await request(t.http)
        .get('/v1/memories/?user_id=alice&limit=201')
        .set(as(a))
        .expect(400, { error: 'limit must be <= 200' });
      await request(t.http)
        .get('/v1/memories/')
        .set(as(a))
        .expect(400, ['One of the filters: app_id, user_id, agent_id, run_id is required!']);
      await request(t.http)
        .get('/v1/memories/?user_id=alice&page=0&page_size=5')
        .set(as(a))
        .expect(404, { detail: 'Invalid page.' });
    });

    it('GET /v1/memories/{entity_type}/{entity_id}/: envelope with input and is_updated', async () => {
      const response = await request(t.http).get('/v1/memories/user/bob/').set(as(a)).expect(200);
      expect(response.body).toMatchObject({ count: 1, next: null, previous: null });
      expect(response.body.results[0]).toMatchObject({
        id: ids.bob,
        memory: 'Bob prefers window seats on long flights',
        is_updated: false,
        input: [{ role: 'user', content: 'Bob prefers window seats on long flights' }],
      });
      await request(t.http).get('/v1/memories/robot/bob/').set(as(a)).expect(400, { error: 'Invalid entity type' });
    });
  });

  describe('search', () => {
    it('v3: nearest first, scores in [0,1] with a breakdown, top_k and threshold honoured', async () => {
      const response = await v3Search({ query: 'spicy ramen noodles', filters: { user_id: 'alice' } }).expect(200);
      type Breakdown = { semantic: number; bm25: number; context: number };
      const results = response.body.results as { id: string; score: number; score_breakdown: Breakdown }[];
      expect(results[0].id).toBe(ids.ramen);
      // The threshold gates relevance (meaning or words, or a relevant neighbour's); the fused score orders.
      const relevant = (b: Breakdown) => Math.max(b.semantic, b.bm25) >= 0.1 || b.context > 0;
      expect(results.every((r) => r.score >= 0 && r.score <= 1 && relevant(r.score_breakdown))).toBe(true);
      expect(results.map((r) => r.score)).toEqual([...results.map((r) => r.score)].sort((x, y) => y - x));
      expect(results[0].score_breakdown).toEqual({
        semantic: expect.any(Number),
        bm25: expect.any(Number),
        entity: expect.any(Number),
        temporal: 0,
        context: expect.any(Number),
      });
      expect(results[0].score_breakdown.bm25).toBeGreaterThan(0);
      expect(results.map((r) => r.id)).not.toContain(ids.foreign);
      expect(results.map((r) => r.id)).not.toContain(ids.expired);
      const one = await v3Search({ query: 'ramen', filters: { user_id: 'alice' }, top_k: 1, threshold: 0 }).expect(200);
      expect(one.body.results).toHaveLength(1);
      const strict = await v3Search({ query: 'ramen', filters: { user_id: 'alice' }, threshold: 0.99 }).expect(200);
      expect(strict.body.results).toEqual([]);
    });

    it('v3: filters (keywords, metadata, OR of users), show_expired, rerank as a no-op offline, fields', async () => {
      const keywords = await v3Search({
        query: 'food',
        filters: { AND: [{ user_id: 'alice' }, { keywords: { icontains: 'PIANO' } }] },
        threshold: 0,
      }).expect(200);
      expect(keywords.body.results.map((r: { id: string }) => r.id)).toEqual([ids.piano]);
      const either = await v3Search({
        query: 'window seats on flights',
        filters: { OR: [{ user_id: 'bob' }, { user_id: 'alice' }] },
        rerank: true,
        fields: ['id', 'score'],
      }).expect(200);
      expect(either.body.results[0]).toEqual({ id: ids.bob, score: expect.any(Number) });
      const expired = await v3Search({
        query: 'dentist appointment',
        filters: { user_id: 'alice' },
        show_expired: true,
      }).expect(200);
      expect(expired.body.results[0].id).toBe(ids.expired);
    });

    it('v3: 400 {error} for a blank query, missing filters, no entity scope or top-level ids', async () => {
      await v3Search({ query: '  ', filters: { user_id: 'alice' } }).expect(400);
      await v3Search({ query: 'x' }).expect(400, { error: 'filters is required and must be an object.' });
      await v3Search({ query: 'x', filters: { metadata: { topic: 'food' } } }).expect(400, {
        error: 'At least one entity filter (user_id, agent_id, app_id, run_id) is required in filters.',
      });
      await v3Search({ query: 'x', filters: { user_id: 'alice' }, user_id: 'alice' }).expect(400);
      await v3Search({ query: 'x', filters: { user_id: 'alice' }, top_k: 0 }).expect(400);
      const bad = await v3Search({ query: 'x', filters: { created_at: { gte: 'yesterday' }, user_id: 'a' } }).expect(
        400,
      );
      expect(bad.body).toEqual({ error: expect.stringMatching(/created_at/) });
    });

    it('v2: bare list (threshold 0.3), {results} with v1.1, top-level ids ANDed, {message} errors', async () => {
      const bare = await request(t.http)
        .post('/v2/memories/search/')
        .set(as(a))
        .send({ query: 'allergic to peanuts', filters: { user_id: 'alice' } })
        .expect(200);
      expect(bare.body[0]).toMatchObject({ id: ids.peanuts, score: expect.any(Number) });
      expect(bare.body.every((r: { score: number }) => r.score >= 0.3)).toBe(true);
      const wrapped = await request(t.http)
        .post('/v2/memories/search/')
        .set(as(a))
        .send({ query: 'allergic to peanuts', filters: {}, user_id: 'alice', output_format: 'v1.1' })
        .expect(200);
      expect(wrapped.body.results[0].id).toBe(ids.peanuts);
      await request(t.http)
        .post('/v2/memories/search/')
        .set(as(a))
        .send({ query: 'x', filters: {} })
        .expect(400, { message: 'One of the filters: app_id, user_id, agent_id, run_id is required!' });
    });

    it('v1: flat ids, v1.0 list and v1.1 {results, relations}, ?version=v2, metadata-only search', async () => {
      const v10 = await request(t.http)
        .post('/v1/memories/search/')
        .set(as(a))
        .send({ query: 'trip to Japan', user_id: 'alice' })
        .expect(200);
      expect(v10.body[0].id).toBe(ids.japan);
      const v11 = await request(t.http)
        .post('/v1/memories/search/')
        .set(as(a))
        .send({ query: 'trip to Japan', user_id: 'alice', output_format: 'v1.1', limit: 2 })
        .expect(200);
      expect(v11.body).toEqual({
        results: [expect.objectContaining({ id: ids.japan }), expect.anything()],
        relations: [],
      });
      const asV2 = await request(t.http)
        .post('/v1/memories/search/?version=v2')
        .set(as(a))
        .send({ query: 'trip to Japan', filters: { user_id: 'alice' } })
        .expect(200);
      expect(asV2.body[0].id).toBe(ids.japan);
      const metaOnly = await request(t.http)
        .post('/v1/memories/search/')
        .set(as(a))
        .send({ query: 'anything', user_id: 'alice', metadata: { topic: 'hobby' }, only_metadata_based_search: true })
        .expect(200);
      expect(metaOnly.body.map((r: { id: string }) => r.id)).toEqual([ids.piano]);
      await request(t.http)
        .post('/v1/memories/search/')
        .set(as(a))
        .send({ query: 'x' })
        .expect(400, { message: 'At least one of the filters: agent_id, user_id, app_id, run_id is required!' });
    });
  });

  describe('POST /v1/summary/', () => {
    it('summarises the memories a filter matches, and requires filters', async () => {
      const response = await request(t.http)
        .post('/v1/summary/')
        .set(as(a))
        .send({ filters: { user_id: 'bob' } })
        .expect(200);
      expect(response.body).toEqual([
        {
          summary: expect.stringMatching(/window seats/i),
          memory_count: 1,
          filters: { user_id: 'bob' },
          created_at: expect.any(String),
        },
      ]);
      await request(t.http).post('/v1/summary/').set(as(a)).send({}).expect(400, { message: 'Filters are required' });
      const bad = await request(t.http)
        .post('/v1/summary/')
        .set(as(a))
        .send({ filters: { colour: 'red' } })
        .expect(400);
      expect(bad.body.message).toMatch(/^Top-level key/);
    });
  });
});
