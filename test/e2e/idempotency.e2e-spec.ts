import request from 'supertest';
import { Prisma } from '@app/core';
import { AddMemoriesDto, IngestionService, toAddRequest } from '@app/memories';
import { JobStatus } from '@app/queue';
import { EventBody, waitForEvent } from '../utils/events';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';
import { whenIndexed } from '../utils/vectors';

const PARALLEL = 50;

describe('Idempotency-Key and race-free adds (real worker)', () => {
  let t: TestApp;
  const as = (tenant: Tenant, key?: string) => ({
    Authorization: `Token ${tenant.key}`,
    ...(key ? { 'Idempotency-Key': key } : {}),
  });

  beforeAll(async () => {
    // More jobs in flight at once than the default, so that adds of one scope really overlap.
    t = await createTestApp({ worker: true, env: { WORKER_CONCURRENCY: '8', DATABASE_POOL_SIZE: '12' } });
  });
  afterAll(() => t.close());

  function add(tenant: Tenant, body: Record<string, unknown>, key?: string, path = '/v3/memories/add/') {
    return request(t.http).post(path).set(as(tenant, key)).send(body);
  }

  async function listMemories(tenant: Tenant, userId: string): Promise<{ id: string; memory: string }[]> {
    const response = await request(t.http)
      .post('/v3/memories/')
      .set(as(tenant))
      .send({ filters: { user_id: userId } })
      .expect(200);
    return response.body.results;
  }

  async function finishAll(tenant: Tenant, eventIds: string[]): Promise<EventBody[]> {
    return Promise.all(eventIds.map((id) => waitForEvent(t, tenant.key, id, 60_000)));
  }

  describe('without a key: parallel adds of one fact store it once', () => {
    it(`v3: ${PARALLEL} parallel adds of the same text in one scope leave exactly one memory`, async () => {
      const a = await t.newTenant('race-v3');
      const responses = await Promise.all(
        Array.from({ length: PARALLEL }, () => add(a, { messages: 'I am allergic to peanuts.', user_id: 'racer' })),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(PARALLEL).fill(200));
      const eventIds = responses.map((response) => response.body.event_id as string);
      expect(new Set(eventIds).size).toBe(PARALLEL);
      const events = await finishAll(a, eventIds);
      expect(events.every((event) => event.status === 'SUCCEEDED')).toBe(true);
      expect(events.flatMap((event) => event.results)).toHaveLength(1);
      const memories = await listMemories(a, 'racer');
      expect(memories).toEqual([expect.objectContaining({ memory: expect.stringMatching(/allergic to peanuts/i) })]);
    });

    it('v1 legacy pipeline: parallel adds of the same text leave exactly one memory', async () => {
      const a = await t.newTenant('race-v1');
      const body = { messages: [{ role: 'user', content: 'I work as a nurse.' }], user_id: 'legacy' };
      const responses = await Promise.all(Array.from({ length: 20 }, () => add(a, body, undefined, '/v1/memories/')));
      const events = await finishAll(
        a,
        responses.map((response) => response.body[0].event_id as string),
      );
      expect(events.every((event) => event.status === 'SUCCEEDED')).toBe(true);
      expect(events.flatMap((event) => event.results).filter((item) => item.event === 'ADD')).toHaveLength(1);
      expect(await listMemories(a, 'legacy')).toHaveLength(1);
    });

    it('infer=false: parallel verbatim adds of the same text store it once', async () => {
      const a = await t.newTenant('race-verbatim');
      const body = {
        messages: [{ role: 'user', content: 'Flight on Friday at 9' }],
        user_id: 'verbatim',
        infer: false,
      };
      const responses = await Promise.all(Array.from({ length: 20 }, () => add(a, body)));
      expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
      expect(responses.flatMap((response) => response.body.results)).toHaveLength(1);
      expect(await listMemories(a, 'verbatim')).toHaveLength(1);
    });

    it('infer=false: parallel verbatim adds in several scopes are searchable at once and indexed by the worker', async () => {
      const a = await t.newTenant('verbatim-index');
      const texts = Array.from({ length: 30 }, (_, i) => `Ferry number ${i} leaves Split at dawn`);
      const responses = await Promise.all(
        texts.map((content, i) =>
          add(a, { messages: [{ role: 'user', content }], user_id: `scope-${i % 5}`, infer: false }).expect(200),
        ),
      );
      const ids = responses.map((response) => response.body.results[0].id as string);
      expect(new Set(ids).size).toBe(texts.length);
      // Answered before the worker has indexed them: a search ranks a pending vector exactly.
      const found = await request(t.http)
        .post('/v3/memories/search/')
        .set(as(a))
        .send({ query: texts[7], filters: { user_id: 'scope-2' }, top_k: 1 })
        .expect(200);
      expect(found.body.results.map((hit: { id: string }) => hit.id)).toEqual([ids[7]]);
      await whenIndexed(t, ids);
    });
  });

  describe('with a key', () => {
    it(`${PARALLEL} parallel adds with one key and body: identical answers, one event, one memory`, async () => {
      const a = await t.newTenant('idem-parallel');
      const body = { messages: 'I love hiking on weekends.', user_id: 'keyed' };
      const responses = await Promise.all(Array.from({ length: PARALLEL }, () => add(a, body, 'add-once-1')));
      expect(responses.map((response) => response.status)).toEqual(Array(PARALLEL).fill(200));
      expect(new Set(responses.map((response) => response.text)).size).toBe(1);
      expect(responses.filter((response) => response.headers['idempotent-replayed'] === 'true')).toHaveLength(
        PARALLEL - 1,
      );
      const [event] = await finishAll(a, [responses[0].body.event_id]);
      expect(event).toMatchObject({ status: 'SUCCEEDED', results: [expect.objectContaining({ event: 'ADD' })] });
      expect(await t.prisma.event.count({ where: { projectId: a.projectId } })).toBe(1);
      expect(await listMemories(a, 'keyed')).toHaveLength(1);
    });

    it('refuses the same key with a different request (422) and a malformed key (400)', async () => {
      const a = await t.newTenant('idem-mismatch');
      await add(a, { messages: 'I like tea.', user_id: 'u' }, 'reused-key').expect(200);
      const other = await add(a, { messages: 'I like coffee.', user_id: 'u' }, 'reused-key').expect(422);
      expect(other.body).toEqual({ detail: 'Idempotency-Key was already used with a different request.' });
      for (const bad of ['', 'has space', 'x'.repeat(256), 'naïve']) {
        const response = await request(t.http)
          .post('/v3/memories/add/')
          .set({ Authorization: `Token ${a.key}`, 'Idempotency-Key': bad })
          .send({ messages: 'I like tea.', user_id: 'u' });
        expect(response.status).toBe(400);
        expect(response.body).toEqual({ detail: expect.stringMatching(/Idempotency-Key/) });
      }
    });

    it('treats the key per API key, key order and trailing slash as the same request', async () => {
      const a = await t.newTenant('idem-scope-a');
      const b = await t.newTenant('idem-scope-b');
      const first = await add(a, { user_id: 'u', messages: 'I like tea.' }, 'shared-key').expect(200);
      const again = await request(t.http)
        .post('/v3/memories/add')
        .set(as(a, 'shared-key'))
        .send({ messages: 'I like tea.', user_id: 'u' })
        .expect(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      const otherCaller = await add(b, { messages: 'I like tea.', user_id: 'u' }, 'shared-key').expect(200);
      expect(otherCaller.headers['idempotent-replayed']).toBeUndefined();
      expect(otherCaller.body.event_id).not.toBe(first.body.event_id);
    });

    it('replays a 400 answer for the same request', async () => {
      const a = await t.newTenant('idem-400');
      const first = await add(a, { messages: 'I like tea.' }, 'bad-add').expect(400);
      expect(first.body).toMatchObject({ error: '400 Bad Request' });
      const second = await add(a, { messages: 'I like tea.' }, 'bad-add').expect(400);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.text).toBe(first.text);
    });

    it('replays infer=false adds without storing twice', async () => {
      const a = await t.newTenant('idem-verbatim');
      const body = { messages: [{ role: 'user', content: 'Gate B12' }], user_id: 'v', infer: false };
      const first = await add(a, body, 'verbatim-1').expect(200);
      await request(t.http).delete(`/v1/memories/${first.body.results[0].id}/`).set(as(a)).expect(200);
      // Without the key this would store the text again (the first copy is gone); with it, nothing runs.
      const second = await add(a, body, 'verbatim-1').expect(200);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.body).toEqual(first.body);
      expect(await listMemories(a, 'v')).toHaveLength(0);
      expect(await t.prisma.event.count({ where: { projectId: a.projectId } })).toBe(1);
    });

    it('replays PUT and DELETE: the second DELETE answers the first 200, not 404', async () => {
      const a = await t.newTenant('idem-put-delete');
      const stored = await add(a, { messages: [{ role: 'user', content: 'Old text' }], user_id: 'p', infer: false });
      const id = stored.body.results[0].id as string;
      const put = () => request(t.http).put(`/v1/memories/${id}/`).set(as(a, 'put-1')).send({ text: 'New text' });
      const firstPut = await put().expect(200);
      const secondPut = await put().expect(200);
      expect(secondPut.headers['idempotent-replayed']).toBe('true');
      expect(secondPut.body).toEqual(firstPut.body);
      const history = await request(t.http).get(`/v1/memories/${id}/history/`).set(as(a)).expect(200);
      expect(history.body.filter((entry: { event: string }) => entry.event === 'UPDATE')).toHaveLength(1);

      const remove = () => request(t.http).delete(`/v1/memories/${id}/`).set(as(a, 'delete-1'));
      const firstDelete = await remove().expect(200);
      const secondDelete = await remove().expect(200);
      expect(secondDelete.headers['idempotent-replayed']).toBe('true');
      expect(secondDelete.body).toEqual(firstDelete.body);
      await request(t.http).delete(`/v1/memories/${id}/`).set(as(a)).expect(404);
    });

    it('ignores the key on read-only POSTs such as search', async () => {
      const a = await t.newTenant('idem-search');
      const search = () =>
        request(t.http)
          .post('/v3/memories/search/')
          .set(as(a, 'search-1'))
          .send({ query: 'tea', filters: { user_id: 'u' } })
          .expect(200);
      await search();
      expect((await search()).headers['idempotent-replayed']).toBeUndefined();
    });
  });

  describe('a job that runs again after a crash, or twice at once', () => {
    async function newEvent(tenant: Tenant, userId: string): Promise<string> {
      const dto = {
        messages: [{ role: 'user', content: 'I live in Lisbon and I play the piano.' }],
        user_id: userId,
      } as AddMemoriesDto;
      const event = await t.prisma.event.create({
        data: {
          projectId: tenant.projectId,
          eventType: 'ADD',
          status: 'PENDING',
          payload: toAddRequest(dto, 'v3') as unknown as Prisma.InputJsonValue,
        },
      });
      return event.id;
    }

    const summary = (results: unknown) =>
      (results as { id: string; memory: string; event: string }[]).map(({ id, memory, event }) => ({
        id,
        memory,
        event,
      }));
    const memoriesOf = (tenant: Tenant, userId: string) =>
      t.prisma.memory.findMany({ where: { projectId: tenant.projectId, userId }, orderBy: { id: 'asc' } });

    it('re-running after the insert committed but before the event finished reports the same results', async () => {
      const a = await t.newTenant('crash');
      const ingestion = t.app.get(IngestionService);
      const eventId = await newEvent(a, 'crash');
      expect(await ingestion.handleAdd({ projectId: a.projectId, eventId })).toBe(JobStatus.Success);
      const first = await t.prisma.event.findUniqueOrThrow({ where: { id: eventId } });
      const stored = await memoriesOf(a, 'crash');
      expect(stored.length).toBeGreaterThanOrEqual(2);

      // A finished event is not run again.
      expect(await ingestion.handleAdd({ projectId: a.projectId, eventId })).toBe(JobStatus.Skipped);

      // The worker died after the commit: the event is still RUNNING when BullMQ hands the job out again.
      await t.prisma.event.update({ where: { id: eventId }, data: { status: 'RUNNING', results: Prisma.DbNull } });
      expect(await ingestion.handleAdd({ projectId: a.projectId, eventId })).toBe(JobStatus.Success);
      const second = await t.prisma.event.findUniqueOrThrow({ where: { id: eventId } });
      expect(second.status).toBe('SUCCEEDED');
      // The same items (categories may have arrived in between: the categorisation job runs on its own).
      expect(summary(second.results)).toEqual(summary(first.results));
      expect((await memoriesOf(a, 'crash')).map((row) => row.id)).toEqual(stored.map((row) => row.id));
    });

    it('two deliveries of one job at the same time store each fact once and agree on the results', async () => {
      const a = await t.newTenant('twice');
      const ingestion = t.app.get(IngestionService);
      const eventId = await newEvent(a, 'twice');
      const runs = await Promise.all([1, 2, 3].map(() => ingestion.handleAdd({ projectId: a.projectId, eventId })));
      expect(runs).toContain(JobStatus.Success);
      const event = await t.prisma.event.findUniqueOrThrow({ where: { id: eventId } });
      expect(event.status).toBe('SUCCEEDED');
      const stored = await memoriesOf(a, 'twice');
      expect(stored.length).toBeGreaterThanOrEqual(2);
      expect(new Set(stored.map((row) => row.hash)).size).toBe(stored.length);
      expect((event.results as { id: string }[]).map((item) => item.id).sort()).toEqual(stored.map((row) => row.id));
    });
  });
});
