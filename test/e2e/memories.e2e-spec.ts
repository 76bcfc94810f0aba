import request from 'supertest';
import { Role } from '@app/core';
import { eventually, waitForEvent } from '../utils/events';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

describe('memory engine: add, read, change, forget (offline providers, real worker)', () => {
  let t: TestApp;
  let a: Tenant;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  beforeAll(async () => {
    t = await createTestApp({ worker: true });
    a = await t.newTenant('mem');
  });
  afterAll(() => t.close());

  async function addV3(tenant: Tenant, body: Record<string, unknown>) {
    const response = await request(t.http).post('/v3/memories/add/').set(as(tenant)).send(body).expect(200);
    return response.body as { event_id: string; status: string; results?: { id: string; memory: string }[] };
  }

  it('queues a v3 add, finishes the event and serves the memory with categories and history', async () => {
    const queued = await addV3(a, {
      messages: [
        { role: 'user', content: 'Hi there! I love hiking on weekends.' },
        { role: 'assistant', content: 'Nice, where do you usually go?' },
      ],
      user_id: 'alice',
      metadata: { source: 'chat' },
    });
    expect(queued).toMatchObject({ status: 'PENDING', event_id: expect.any(String) });
    const event = await waitForEvent(t, a.key, queued.event_id);
    expect(event).toMatchObject({ status: 'SUCCEEDED', event_type: 'ADD', error: null });
    expect(event.results.length).toBeGreaterThanOrEqual(1);
    const item = event.results[0] as { id: string; memory: string; event: string; user_id: string };
    expect(item).toMatchObject({ event: 'ADD', user_id: 'alice', data: { memory: item.memory } });
    expect(item.memory).toMatch(/hiking/i);
    expect(item.memory).not.toMatch(/^I /);

    const memory = await eventually(async () => {
      const response = await request(t.http).get(`/v1/memories/${item.id}/`).set(as(a)).expect(200);
      return response.body.categories ? response.body : undefined;
    });
    expect(memory).toMatchObject({ id: item.id, user_id: 'alice', agent_id: null, metadata: { source: 'chat' } });
    expect(memory.categories.length).toBeGreaterThan(0);
    expect(memory.created_at).toMatch(/\+00:00$/);
    const history = await request(t.http).get(`/v1/memories/${item.id}/history/`).set(as(a)).expect(200);
    expect(history.body).toEqual([
      expect.objectContaining({ memory_id: item.id, event: 'ADD', old_memory: null, new_memory: item.memory }),
    ]);
  });

  it('does not store the same fact twice for the same user (v3 is additive and deduplicating)', async () => {
    const first = await waitForEvent(
      t,
      a.key,
      (await addV3(a, { messages: 'I am allergic to peanuts.', user_id: 'dedupe' })).event_id,
    );
    expect(first.results).toHaveLength(1);
    const second = await waitForEvent(
      t,
      a.key,
      (await addV3(a, { messages: 'I am allergic to peanuts.', user_id: 'dedupe' })).event_id,
    );
    expect(second).toMatchObject({ status: 'SUCCEEDED', results: [] });
    expect(await t.prisma.memory.count({ where: { projectId: a.projectId, userId: 'dedupe' } })).toBe(1);
  });

  it('stores messages verbatim and synchronously with infer=false, skipping exact duplicates', async () => {
    const body = {
      messages: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: 'My flight is on Friday' },
        { role: 'assistant', content: 'Noted: flight on Friday' },
      ],
      user_id: 'verbatim',
      agent_id: 'travel-bot',
      infer: false,
    };
    const stored = await addV3(a, body);
    expect(stored).toMatchObject({ status: 'SUCCEEDED', message: 'Memories stored successfully' });
    expect(stored.results!.map((item) => item.memory)).toEqual(['My flight is on Friday', 'Noted: flight on Friday']);
    const row = await t.prisma.memory.findFirstOrThrow({ where: { id: stored.results![0].id } });
    expect(row).toMatchObject({ userId: 'verbatim', agentId: 'travel-bot' });
    const again = await addV3(a, body);
    expect(again.results).toEqual([]);
  });

  it('runs the legacy pipeline inline: ADD, then UPDATE for a changed fact, NOOP for a repeated one', async () => {
    const add = (content: string, format?: string) =>
      request(t.http)
        .post('/v1/memories/')
        .set(as(a))
        .send({ messages: [{ role: 'user', content }], user_id: 'legacy', async_mode: false, output_format: format })
        .expect(200);
    const first = await add('I live in Paris.');
    expect(first.body).toEqual([
      expect.objectContaining({ event: 'ADD', memory: 'Lives in Paris', data: { memory: 'Lives in Paris' } }),
    ]);
    const changed = await add('I live in Berlin.', 'v1.1');
    expect(changed.body).toEqual({
      results: [
        expect.objectContaining({
          event: 'UPDATE',
          id: first.body[0].id,
          memory: 'Lives in Berlin',
          previous_memory: 'Lives in Paris',
        }),
      ],
      relations: [],
    });
    const repeated = await add('I live in Berlin.');
    expect(repeated.body).toEqual([expect.objectContaining({ event: 'NOOP', id: first.body[0].id })]);
    const history = await request(t.http).get(`/v1/memories/${first.body[0].id}/history/`).set(as(a)).expect(200);
    expect(history.body.map((entry: { event: string }) => entry.event)).toEqual(['ADD', 'UPDATE']);
  });

  it('answers the legacy async shapes for v1.0 and v1.1', async () => {
    const bare = await request(t.http)
      .post('/v1/memories/')
      .set(as(a))
      .send({ messages: 'I like jazz', user_id: 'shapes' })
      .expect(200);
    expect(bare.body).toEqual([{ message: expect.any(String), status: 'PENDING', event_id: expect.any(String) }]);
    const wrapped = await request(t.http)
      .post('/v1/memories/')
      .set(as(a))
      .send({ messages: 'I like blues', user_id: 'shapes', output_format: 'v1.1' })
      .expect(200);
    expect(wrapped.body).toEqual({ results: [expect.objectContaining({ status: 'PENDING' })], relations: [] });
    await waitForEvent(t, a.key, bare.body[0].event_id);
    await waitForEvent(t, a.key, wrapped.body.results[0].event_id);
  });

  it('updates, deletes and keeps the history of a memory; immutable memories refuse changes', async () => {
    const [created] = (await addV3(a, { messages: 'Favourite color is blue', user_id: 'edit', infer: false })).results!;
    const updated = await request(t.http)
      .put(`/v1/memories/${created.id}/`)
      .set(as(a))
      .send({ text: 'Favourite color is green', metadata: { edited: true }, expiration_date: '2099-01-01' })
      .expect(200);
    expect(updated.body).toMatchObject({
      id: created.id,
      memory: 'Favourite color is green',
      metadata: { edited: true },
      expiration_date: '2099-01-01',
    });
    await request(t.http).put(`/v1/memories/${created.id}/`).set(as(a)).send({ expiration_date: null }).expect(200);
    await request(t.http).put(`/v1/memories/${created.id}/`).set(as(a)).send({}).expect(400, {
      error: 'At least one of text, metadata, timestamp or expiration_date is required',
    });
    await request(t.http)
      .delete(`/v1/memories/${created.id}/`)
      .set(as(a))
      .expect(200, { message: 'Memory deleted successfully!' });
    await request(t.http).get(`/v1/memories/${created.id}/`).set(as(a)).expect(404, { error: 'Memory not found!' });
    const history = await request(t.http).get(`/v1/memories/${created.id}/history/`).set(as(a)).expect(200);
    expect(history.body.map((entry: { event: string }) => entry.event)).toEqual(['ADD', 'UPDATE', 'UPDATE', 'DELETE']);
    expect(history.body[1]).toMatchObject({
      old_memory: 'Favourite color is blue',
      new_memory: 'Favourite color is green',
    });

    const [locked] = (await addV3(a, { messages: 'Blood type is O+', user_id: 'edit', infer: false, immutable: true }))
      .results!;
    await request(t.http).put(`/v1/memories/${locked.id}/`).set(as(a)).send({ text: 'Blood type is A' }).expect(400, {
      error: 'Memory is immutable and cannot be updated',
    });
  });

  it('validates ids and add bodies with the platform’s error shapes', async () => {
    await request(t.http)
      .get('/v1/memories/not-a-uuid/')
      .set(as(a))
      .expect(400, { error: 'memory_id should be a valid UUID' });
    for (const body of [
      { messages: 'x' },
      { messages: [], user_id: 'u' },
      { user_id: 'u' },
      { messages: [{ role: 'robot', content: 'x' }], user_id: 'u' },
    ]) {
      const response = await request(t.http).post('/v3/memories/add/').set(as(a)).send(body).expect(400);
      expect(response.body).toMatchObject({
        error: '400 Bad Request',
        details: { message: expect.stringMatching(/^Invalid input data/) },
      });
    }
    const flat = await addV3(a, { messages: 'Speaks French', filters: { user_id: 'lifted' }, infer: false });
    expect(flat.results).toHaveLength(1);
  });

  it('isolates projects: another project’s memory, history and event answer 404', async () => {
    const b = await t.newTenant('other');
    const [mine] = (await addV3(a, { messages: 'Secret fact', user_id: 'iso', infer: false })).results!;
    const queued = await addV3(a, { messages: 'I play chess', user_id: 'iso' });
    await request(t.http).get(`/v1/memories/${mine.id}/`).set(as(b)).expect(404, { error: 'Memory not found!' });
    await request(t.http).put(`/v1/memories/${mine.id}/`).set(as(b)).send({ text: 'hacked' }).expect(404);
    await request(t.http).delete(`/v1/memories/${mine.id}/`).set(as(b)).expect(404);
    await request(t.http).get(`/v1/memories/${mine.id}/history/`).set(as(b)).expect(404);
    await request(t.http).get(`/v1/event/${queued.event_id}/`).set(as(b)).expect(404, {
      error: "Event not found or you don't have permission to access it.",
    });
    await request(t.http).get(`/v1/memories/${mine.id}/`).set(as(a)).expect(200);
    await waitForEvent(t, a.key, queued.event_id);
  });

  it('refuses memory writes to READER keys but lets them read', async () => {
    const reader = await t.newMember(a.projectId, Role.READER, 'reader');
    await request(t.http).post('/v3/memories/add/').set(as(reader)).send({ messages: 'x', user_id: 'r' }).expect(403, {
      detail: 'You do not have permission to perform this action.',
    });
    await request(t.http).get('/v1/entities/').set(as(reader)).expect(200);
  });

  it('records feedback per memory and user', async () => {
    const [created] = (await addV3(a, { messages: 'Drinks tea', user_id: 'fb', infer: false })).results!;
    const response = await request(t.http)
      .post('/v1/feedback/')
      .set(as(a))
      .send({ memory_id: created.id, feedback: 'negative', feedback_reason: 'wrong' })
      .expect(200);
    expect(response.body).toEqual({ id: expect.any(String), feedback: 'NEGATIVE', feedback_reason: 'wrong' });
    await request(t.http)
      .post('/v1/feedback/')
      .set(as(a))
      .send({ memory_id: created.id, feedback: 'MEH' })
      .expect(400, {
        feedback: ['"MEH" is not a valid choice.'],
      });
    await request(t.http)
      .post('/v1/feedback/')
      .set(as(a))
      .send({ memory_id: 'x' })
      .expect(400, { error: 'Invalid memory_id' });
    await request(t.http)
      .post('/v1/feedback/')
      .set(as(a))
      .send({ memory_id: '00000000-0000-4000-8000-000000000000', feedback: 'POSITIVE' })
      .expect(404, { error: 'Memory not found!' });
  });
});
