import request from 'supertest';
import { Prisma } from '@app/core';
import { Embedder, EMBEDDER } from '@app/ai';
import { parseFilter } from '@app/filters';
import { RetrievalService, VectorIndexService } from '@app/memories';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';
import { vectorState } from '../utils/vectors';

const TOPICS = ['hiking', 'ramen', 'piano', 'chess', 'sailing', 'painting', 'jazz', 'tennis', 'sushi', 'poetry'];

/** Both search plans (exact scan of the filtered rows, HNSW with iterative scans) on the same data. */
describe('search plans', () => {
  let t: TestApp;
  let tenant: Tenant;

  beforeAll(async () => {
    // Every search takes the HNSW path here, however few rows its filter matches.
    t = await createTestApp({ env: { SEARCH_EXACT_FACTOR: '0' } });
    await t.app.get(VectorIndexService).ensureForEmbedder();
    tenant = await t.newTenant('plans');
    for (let user = 0; user < 6; user++) {
      const messages = Array.from({ length: 40 }, (_, i) => ({
        role: 'user',
        content: `Note ${i} of user ${user}: enjoys ${TOPICS[i % TOPICS.length]} with ${TOPICS[(i * 7 + user) % TOPICS.length]} friends`,
      }));
      await request(t.http)
        .post('/v3/memories/add/')
        .set({ Authorization: `Token ${tenant.key}` })
        .send({ messages, user_id: `user-${user}`, infer: false })
        .expect(200);
    }
    // Verbatim adds leave their vectors to the worker, which does not run here.
    await t.app.get(VectorIndexService).handleIndexPending({ projectId: tenant.projectId });
    await t.prisma.$executeRaw`ANALYZE memories`;
  });
  afterAll(() => t.close());

  async function exactTopIds(query: string, userIds: string[], k: number): Promise<string[]> {
    const [vector] = await t.app.get<Embedder>(EMBEDDER).embed([query]);
    const rows = await t.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM memories WHERE project_id = ${tenant.projectId}::uuid AND user_id IN (${Prisma.join(userIds)})
      ORDER BY embedding <=> ${`[${vector.join(',')}]`}::vector LIMIT ${k}`;
    return rows.map((row) => row.id);
  }

  it('walks the HNSW index with iterative scans: a selective filter still fills top_k, in exact order', async () => {
    const [setting] = await t.prisma.$queryRaw<Record<string, string>[]>`SHOW hnsw.iterative_scan`;
    expect(setting['hnsw.iterative_scan']).toBe('relaxed_order');
    const service = t.app.get(RetrievalService);
    for (const [query, users] of [
      ['enjoys sailing with jazz friends', ['user-2']],
      ['piano and poetry', ['user-1', 'user-4']],
    ] as const) {
      const filter = parseFilter({ OR: users.map((user) => ({ user_id: user })) });
      const { plan, hits } = await service.search(
        tenant.projectId,
        { filter },
        { query, topK: 10, threshold: null, rerank: false, hybrid: false },
      );
      expect(plan).toBe('hnsw');
      expect(hits).toHaveLength(10);
      expect(hits.every((hit) => (users as readonly string[]).includes(hit.memory.user_id!))).toBe(true);
      const exact = await exactTopIds(query, [...users], 10);
      const found = hits.filter((hit) => exact.includes(hit.memory.id)).length;
      expect(found / 10).toBeGreaterThanOrEqual(0.9);
    }
  });

  /** The plan and first hit of a user-5 search for `text`, in an app that plans HNSW (`t`) or exact. */
  async function top(app: TestApp, text: string) {
    const { plan, hits } = await app.app
      .get(RetrievalService)
      .search(
        tenant.projectId,
        { filter: parseFilter({ user_id: 'user-5' }) },
        { query: text, topK: 3, threshold: null, rerank: false, hybrid: false },
      );
    return { plan, first: hits[0]?.memory.id, count: hits.length };
  }

  /** `id`, whose vector waits outside the index, is found first by `text` on both plans, and once indexed. */
  async function foundWhilePending(id: string, text: string): Promise<void> {
    const exactApp = await createTestApp({ databaseUrl: t.databaseUrl, keepDatabase: true });
    try {
      // No worker runs here: the vector stays pending until indexed by hand.
      expect(await vectorState(t, id)).toEqual({ indexed: false, pending: true });
      expect(await top(t, text)).toEqual({ plan: 'hnsw', first: id, count: 3 });
      expect(await top(exactApp, text)).toEqual({ plan: 'exact', first: id, count: 3 });

      await t.app.get(VectorIndexService).handleIndexPending({ projectId: tenant.projectId });
      expect(await vectorState(t, id)).toEqual({ indexed: true, pending: false });
      expect(await top(t, text)).toEqual({ plan: 'hnsw', first: id, count: 3 });
      expect(await top(exactApp, text)).toEqual({ plan: 'exact', first: id, count: 3 });
    } finally {
      await exactApp.close();
    }
  }

  it("finds a batch update's vectors while they wait outside the index, on both plans, and after they are indexed", async () => {
    const [{ id }] = await t.prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM memories WHERE project_id = ${tenant.projectId}::uuid AND user_id = 'user-5' LIMIT 1`;
    const text = 'Collects vintage typewriters from Prague flea markets';
    await request(t.http)
      .put('/v1/batch/')
      .set({ Authorization: `Token ${tenant.key}` })
      .send({ memories: [{ memory_id: id, text }] })
      .expect(200);
    await foundWhilePending(id, text);
  });

  it("finds a verbatim add's memory before the worker indexes its vector, on both plans", async () => {
    const text = 'Restores wooden sailboats in a barn near Gdansk';
    const { body } = await request(t.http)
      .post('/v3/memories/add/')
      .set({ Authorization: `Token ${tenant.key}` })
      .send({ messages: [{ role: 'user', content: text }], user_id: 'user-5', infer: false })
      .expect(200);
    await foundWhilePending(body.results[0].id, text);
  });

  it('ranks exactly when the filter is estimated small', async () => {
    const exactApp = await createTestApp({ databaseUrl: t.databaseUrl, keepDatabase: true });
    try {
      const { plan, hits } = await exactApp.app
        .get(RetrievalService)
        .search(
          tenant.projectId,
          { filter: parseFilter({ user_id: 'user-3' }) },
          { query: 'chess with tennis friends', topK: 5, threshold: null, rerank: false, hybrid: false },
        );
      expect(plan).toBe('exact');
      expect(hits.map((hit) => hit.memory.id)).toEqual(await exactTopIds('chess with tennis friends', ['user-3'], 5));
    } finally {
      await exactApp.close();
    }
  });
});
