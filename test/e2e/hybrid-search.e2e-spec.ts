import request from 'supertest';
import { Embedder, EMBEDDER } from '@app/ai';
import { parseFilter } from '@app/filters';
import { RetrievalRepository } from '@app/memories';
import { waitForEvent } from '../utils/events';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

type Breakdown = { semantic: number; bm25: number; entity: number; temporal: number; context: number };
type Hit = { id: string; memory: string; score: number; score_breakdown: Breakdown };

const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);

/** Each signal of v3 search on real Postgres: keyword channel, entities, time, context and decay. */
describe('hybrid v3 search', () => {
  let t: TestApp;
  let a: Tenant;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  async function store(text: string, body: Record<string, unknown>): Promise<string> {
    const response = await request(t.http)
      .post('/v3/memories/add/')
      .set(as(a))
      .send({ messages: [{ role: 'user', content: text }], infer: false, ...body })
      .expect(200);
    return response.body.results[0].id as string;
  }

  const search = async (body: Record<string, unknown>): Promise<Hit[]> =>
    (await request(t.http).post('/v3/memories/search/').set(as(a)).send(body).expect(200)).body.results as Hit[];

  beforeAll(async () => {
    t = await createTestApp({ worker: true });
    a = await t.newTenant('hybrid');
  });
  afterAll(() => t.close());

  it('the keyword channel brings a match the vector channel missed', async () => {
    const target = await store('The locker code is quokka-7731', { user_id: 'kw' });
    for (let i = 0; i < 12; i++) await store(`Went hiking on trail number ${i} with friends`, { user_id: 'kw' });
    // A query vector far from the target: only the keyword channel can bring it into a pool of 3.
    const retrieval = t.app.get(RetrievalRepository, { strict: false });
    const embedder = t.app.get<symbol, Embedder>(EMBEDDER, { strict: false });
    const [unrelated] = await embedder.embed(['hiking trail with friends']);
    const { rows } = await retrieval.candidates(
      a.projectId,
      { filter: parseFilter({ user_id: 'kw' }) },
      {
        embedder: embedder.id,
        vector: unrelated,
        text: 'what is the quokka code',
        pool: 3,
        entityKeys: [],
        contextSeeds: 3,
      },
    );
    const hit = rows.find((row) => row.id === target);
    expect(hit).toBeDefined();
    expect(Number(hit!.keyword)).toBeGreaterThan(0);
    const hits = await search({ query: 'what is the quokka code?', filters: { user_id: 'kw' } });
    expect(hits[0].id).toBe(target);
    expect(hits[0].score_breakdown.bm25).toBeGreaterThan(0);
  });

  it('an entity the memory is about outranks closer wording that only mentions it', async () => {
    const about = await store('Zorblat: I joined a bakery downtown in the spring', { user_id: 'ent' });
    for (const filler of ['Bought a new bicycle', 'Planted tomatoes', 'Watched a film', 'Read a novel']) {
      await store(filler, { user_id: 'ent' });
    }
    const mentions = await store('Where do people like to work? Everyone asked it, Zorblat too', {
      user_id: 'ent',
    });
    const hits = await search({ query: 'Where does Zorblat work?', filters: { user_id: 'ent' } });
    const [first, second] = hits;
    expect(first.id).toBe(about);
    expect(second.id).toBe(mentions);
    // Wording alone prefers the other memory: the entity link's salience decides.
    expect(first.score_breakdown.semantic + first.score_breakdown.bm25).toBeLessThan(
      second.score_breakdown.semantic + second.score_breakdown.bm25,
    );
    expect(first.score_breakdown.entity).toBeGreaterThan(second.score_breakdown.entity);
  });

  it('a time in the query ranks the memory of that date first, relative to reference_date', async () => {
    const said = Date.UTC(2025, 2, 20, 12) / 1000;
    const paris = await store('Yesterday I met Maya at the Orion conference in Paris and we had coffee', {
      user_id: 'time',
      timestamp: said,
    });
    await store('Where did I meet Maya? At the Orion conference in Tokyo, last week', {
      user_id: 'time',
      timestamp: said,
    });
    await store('Where did I meet Maya? At the Orion conference in Lisbon, last year', {
      user_id: 'time',
      timestamp: said,
    });
    const hits = await search({
      query: 'Where did I meet Maya at the Orion conference yesterday?',
      filters: { user_id: 'time' },
      reference_date: '2025-03-20T18:00:00Z',
    });
    expect(hits[0].id).toBe(paris);
    expect(hits[0].score_breakdown.temporal).toBe(1);
    expect(hits.slice(1).every((hit) => hit.score_breakdown.temporal === 0)).toBe(true);
    const bestWording = Math.max(...hits.map((hit) => hit.score_breakdown.semantic));
    expect(hits[0].score_breakdown.semantic).toBeLessThan(bestWording);
  });

  it('a turn said right before a strong match shares part of its score', async () => {
    const question = await store('Did you manage to get them for the show?', { user_id: 'ctx' });
    const answer = await store('Yes! Two Radiohead tickets for Friday', { user_id: 'ctx' });
    await store('I need to buy groceries', { user_id: 'ctx' });
    const hits = await search({ query: 'Radiohead tickets', filters: { user_id: 'ctx' }, threshold: 0 });
    const byId = new Map(hits.map((hit) => [hit.id, hit]));
    expect(hits[0].id).toBe(answer);
    expect(byId.get(question)!.score_breakdown.context).toBeCloseTo(hits[0].score, 1);
    expect(byId.get(question)!.score).toBeGreaterThan(
      Math.max(...hits.filter((hit) => hit.id !== answer && hit.id !== question).map((hit) => hit.score)),
    );
  });

  it('decay, when the project turns it on, ranks a fresh memory above a stale closer one and records retrievals', async () => {
    const stale = await store('Prefers oat milk in a large flat white coffee', {
      user_id: 'decay',
      timestamp: NOW - 400 * DAY,
    });
    const fresh = await store('Likes coffee', { user_id: 'decay' });
    const query = { query: 'oat milk flat white coffee', filters: { user_id: 'decay' } };
    const settings = `/api/v1/orgs/organizations/${a.orgId}/projects/${a.projectId}/`;
    expect((await search(query))[0].id).toBe(stale);
    await request(t.http).patch(settings).set(as(a)).send({ decay: true }).expect(200);
    const decayed = await search(query);
    expect(decayed[0].id).toBe(fresh);
    expect(decayed.every((hit) => hit.score >= 0 && hit.score <= 1)).toBe(true);
    // Retrievals are recorded off the request path.
    for (let i = 0; i < 50; i++) {
      const touched = await t.prisma.memoryAccess.count({ where: { memoryId: { in: [stale, fresh] } } });
      if (touched === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await t.prisma.memoryAccess.count({ where: { memoryId: { in: [stale, fresh] } } })).toBe(2);
    await request(t.http).patch(settings).set(as(a)).send({ decay: false }).expect(200);
    expect((await search(query))[0].id).toBe(stale);
  });

  it('deleting a memory removes its entity links', async () => {
    const id = await store('Quillon moved to Reykjavik', { user_id: 'links' });
    expect(await t.prisma.memoryEntityLink.count({ where: { memoryId: id } })).toBeGreaterThan(0);
    await request(t.http).delete(`/v1/memories/${id}/`).set(as(a)).expect(200);
    expect(await t.prisma.memoryEntityLink.count({ where: { memoryId: id } })).toBe(0);
  });

  it('answers the official client\'s "What do you know about me?" with an OR filter on the embedded default', async () => {
    const user = 'integration-search-user';
    for (const messages of [
      [
        { role: 'user', content: "Hi, I'm integration-test-user. My favorite color is blue." },
        { role: 'assistant', content: "Nice to meet you! I'll remember that your favorite color is blue." },
      ],
      [
        { role: 'user', content: 'I work as a software engineer at Acme Corp.' },
        { role: 'assistant', content: "Got it, you're a software engineer at Acme Corp!" },
      ],
    ]) {
      const added = await request(t.http).post('/v3/memories/add/').set(as(a)).send({ messages, user_id: user });
      expect((await waitForEvent(t, a.key, added.body.event_id as string)).status).toBe('SUCCEEDED');
    }
    const hits = await search({ query: 'What do you know about me?', filters: { OR: [{ user_id: user }] } });
    expect(hits.length).toBeGreaterThan(0);
    expect(typeof hits[0].id).toBe('string');
    expect(typeof hits[0].memory).toBe('string');
    expect(typeof hits[0].score).toBe('number');
  });
});
