import request from 'supertest';
import { Role } from '@app/core';
import { JobSweeper } from '@app/memories';
import { eventually } from '../utils/events';
import { projectState } from '../utils/project-state';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';
import { leavePending, vectorState, whenIndexed } from '../utils/vectors';

describe('batch update and delete (PUT/DELETE /v1/batch/, alias /v1/memories/batch/)', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  beforeAll(async () => {
    t = await createTestApp({ worker: true });
    a = await t.newTenant('batch-a');
    b = await t.newTenant('batch-b');
  });
  afterAll(() => t.close());

  /** The keys of the entities a memory is linked to. */
  const keysOf = async (id: string) =>
    (
      await t.prisma.$queryRaw<{ key: string }[]>`
        SELECT e.key FROM memory_entity_links l JOIN named_entities e ON e.id = l.entity_id
        WHERE l.memory_id = ${id}::uuid ORDER BY e.key`
    ).map((row) => row.key);

  /** Stores texts verbatim (infer=false) and returns their ids in order, once the worker has indexed them. */
  async function seed(tenant: Tenant, texts: string[], extra: Record<string, unknown> = {}): Promise<string[]> {
    const ids: string[] = [];
    for (const text of texts) {
      const response = await request(t.http)
        .post('/v3/memories/add/')
        .set(as(tenant))
        .send({ messages: text, user_id: 'batch-user', infer: false, ...extra })
        .expect(200);
      ids.push(response.body.results[0].id);
    }
    await whenIndexed(t, ids);
    return ids;
  }

  /** A memory's vector, indexed or still pending. */
  const embeddingOf = async (id: string) =>
    (
      await t.prisma.$queryRaw<{ e: string }[]>`
        SELECT coalesce(embedding, pending_embedding)::text AS e FROM memories WHERE id = ${id}::uuid`
    )[0]?.e;

  it('updates texts and metadata in one go: history, webhooks, new vectors and categories', async () => {
    const [first, second] = await seed(a, ['Likes green tea', 'Works at Initech']);
    const before = await embeddingOf(first);
    const response = await request(t.http)
      .put('/v1/batch/')
      .set(as(a))
      .send({
        memories: [
          { memory_id: first, text: 'Likes black coffee' },
          { memory_id: second, metadata: { team: 'platform' } },
        ],
      })
      .expect(200);
    expect(response.body).toEqual({ message: 'Successfully updated 2 memories' });

    const rows = await t.prisma.memory.findMany({ where: { id: { in: [first, second] } } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(first)).toMatchObject({ memory: 'Likes black coffee' });
    expect(byId.get(second)).toMatchObject({ memory: 'Works at Initech', metadata: { team: 'platform' } });
    expect(await embeddingOf(first)).not.toEqual(before);
    for (const id of [first, second]) {
      const history = await request(t.http).get(`/v1/memories/${id}/history/`).set(as(a)).expect(200);
      expect(history.body.map((entry: { event: string }) => entry.event)).toEqual(['ADD', 'UPDATE']);
    }
    const updates = await t.prisma.webhookOutbox.findMany({
      where: { projectId: a.projectId, eventType: 'memory_update' },
    });
    expect(updates.map((row) => (row.payload as { event_details: { id: string } }).event_details.id).sort()).toEqual(
      [first, second].sort(),
    );
    // The changed text is categorised again by the worker.
    const categorised = await eventually(async () => {
      const row = await t.prisma.memory.findUniqueOrThrow({ where: { id: first } });
      return row.categories.length ? row.categories : undefined;
    });
    expect(categorised).toContain('food');
  });

  it('relinks entities, dates the new text and applies a repeated id in order', async () => {
    const [id] = await seed(a, ['Met Jordan at the Lisbon office']);
    expect(await keysOf(id)).toEqual(expect.arrayContaining(['jordan', 'lisbon']));
    await request(t.http)
      .put('/v1/batch/')
      .set(as(a))
      .send({
        memories: [
          { memory_id: id, text: 'Flew to Tokyo with Priya in 2019' },
          { memory_id: id, text: 'Flew to Osaka with Priya in 2019', metadata: { trip: 'osaka' } },
        ],
      })
      .expect(200);
    const row = await t.prisma.memory.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ memory: 'Flew to Osaka with Priya in 2019', metadata: { trip: 'osaka' } });
    expect(row.eventStart?.toISOString()).toBe('2019-01-01T00:00:00.000Z');
    const keys = await keysOf(id);
    expect(keys).toEqual(expect.arrayContaining(['osaka', 'priya']));
    expect(keys).not.toContain('jordan');
    expect(keys).not.toContain('tokyo');
    const history = await t.prisma.memoryHistory.findMany({ where: { memoryId: id }, orderBy: { createdAt: 'asc' } });
    expect(history.map((entry) => [entry.event, entry.oldMemory, entry.newMemory])).toEqual([
      ['ADD', null, 'Met Jordan at the Lisbon office'],
      ['UPDATE', 'Met Jordan at the Lisbon office', 'Flew to Tokyo with Priya in 2019'],
      ['UPDATE', 'Flew to Tokyo with Priya in 2019', 'Flew to Osaka with Priya in 2019'],
    ]);
  });

  it('relinks the entities of one memory whose text a single update changes', async () => {
    const [id] = await seed(a, ['Lunch with Amara in Nairobi']);
    expect(await keysOf(id)).toEqual(expect.arrayContaining(['amara', 'nairobi']));
    await request(t.http).put(`/v1/memories/${id}/`).set(as(a)).send({ text: 'Dinner with Kofi in Accra' }).expect(200);
    const keys = await keysOf(id);
    expect(keys).toEqual(expect.arrayContaining(['kofi', 'accra']));
    expect(keys).not.toContain('amara');
    expect(keys).not.toContain('nairobi');
  });

  it('leaves new vectors for the worker to index, which moves them into the index unchanged', async () => {
    const ids = await seed(a, ['Plays the cello', 'Keeps bees', 'Grows tomatoes']);
    const text = (index: number) => `Restores vintage typewriters, number ${index}`;
    await request(t.http)
      .put('/v1/batch/')
      .set(as(a))
      .send({ memories: ids.map((memory_id, index) => ({ memory_id, text: text(index) })) })
      .expect(200);
    const vectors = await Promise.all(ids.map(embeddingOf));
    await whenIndexed(t, ids);
    expect(await Promise.all(ids.map(embeddingOf))).toEqual(vectors);
    const search = await request(t.http)
      .post('/v3/memories/search/')
      .set(as(a))
      .send({ query: text(1), filters: { user_id: 'batch-user' }, top_k: 1 })
      .expect(200);
    expect(search.body.results.map((hit: { id: string }) => hit.id)).toEqual([ids[1]]);
  });

  it("keeps a later single update's vector over a pending one; the sweep indexes vectors whose job was lost", async () => {
    const [id, lost] = await seed(a, ['Sings in a choir', 'Paints watercolours']);
    // A batch update's vector that was never indexed (its job lost), then a single update of the same memory.
    await leavePending(t, [id, lost]);
    await request(t.http).put(`/v1/memories/${id}/`).set(as(a)).send({ text: 'Sings in a jazz band' }).expect(200);
    expect(await vectorState(t, id)).toEqual({ indexed: true, pending: false });
    const sung = await embeddingOf(id);

    await t.prisma.$executeRaw`UPDATE memories SET updated_at = now() - interval '1 hour' WHERE id = ${lost}::uuid`;
    const report = await t.app.get(JobSweeper).sweep();
    expect(report.requeued).toBeGreaterThanOrEqual(1);
    await whenIndexed(t, [lost]);
    expect(await vectorState(t, lost)).toEqual({ indexed: true, pending: false });
    expect(await embeddingOf(id)).toEqual(sung);
  });

  it('deletes in one go with history and webhooks; the alias accepts memory_ids', async () => {
    const [one, two, three] = await seed(a, ['Has a cat', 'Owns a bike', 'Speaks Dutch']);
    const response = await request(t.http)
      .delete('/v1/batch')
      .set(as(a))
      .send({ memories: [{ memory_id: one }, { memory_id: two }] })
      .expect(200);
    expect(response.body).toEqual({ message: 'Successfully deleted 2 memories' });
    expect(await t.prisma.memory.count({ where: { id: { in: [one, two] } } })).toBe(0);
    const history = await request(t.http).get(`/v1/memories/${one}/history/`).set(as(a)).expect(200);
    expect(history.body.map((entry: { event: string }) => entry.event)).toEqual(['ADD', 'DELETE']);
    const deletes = await t.prisma.webhookOutbox.count({
      where: { projectId: a.projectId, eventType: 'memory_delete' },
    });
    expect(deletes).toBe(2);

    await request(t.http)
      .delete('/v1/memories/batch/')
      .set(as(a))
      .send({ memory_ids: [{ memory_id: three }] })
      .expect(200, { message: 'Successfully deleted 1 memories' });
    expect(await t.prisma.memory.count({ where: { id: three } })).toBe(0);
  });

  it('updates through the alias and answers an empty list with a count of 0', async () => {
    const [id] = await seed(a, ['Reads sci-fi']);
    await request(t.http)
      .put('/v1/memories/batch')
      .set(as(a))
      .send({ memories: [{ memory_id: id, text: 'Reads fantasy' }] })
      .expect(200, { message: 'Successfully updated 1 memories' });
    await request(t.http).put('/v1/batch/').set(as(a)).send({ memories: [] }).expect(200, {
      message: 'Successfully updated 0 memories',
    });
    await request(t.http).delete('/v1/batch/').set(as(a)).send({ memories: [] }).expect(200, {
      message: 'Successfully deleted 0 memories',
    });
  });

  it('refuses the whole batch, changing nothing, on a foreign or unknown id, a bad id or an immutable memory', async () => {
    const [mine] = await seed(a, ['Plays chess']);
    const [theirs] = await seed(b, ['Plays go']);
    const [locked] = await seed(a, ['Blood type is A+'], { immutable: true });
    const before = await projectState(t, a.projectId);
    const theirsBefore = await projectState(t, b.projectId);
    const unknown = '00000000-0000-4000-8000-000000000000';

    const cases: [string, 'put' | 'delete', unknown, Record<string, string>][] = [
      [
        'foreign id',
        'put',
        [
          { memory_id: mine, text: 'x' },
          { memory_id: theirs, text: 'y' },
        ],
        { error: `Memory not found: ${theirs}` },
      ],
      ['foreign id', 'delete', [{ memory_id: mine }, { memory_id: theirs }], { error: `Memory not found: ${theirs}` }],
      [
        'unknown id',
        'delete',
        [{ memory_id: mine }, { memory_id: unknown }],
        { error: `Memory not found: ${unknown}` },
      ],
      [
        'malformed id',
        'put',
        [
          { memory_id: mine, text: 'x' },
          { memory_id: 'nope', text: 'y' },
        ],
        { error: 'memory_id should be a valid UUID' },
      ],
      ['malformed id', 'delete', [{ memory_id: 42 }], { error: 'memory_id should be a valid UUID' }],
      [
        'immutable',
        'put',
        [
          { memory_id: mine, text: 'x' },
          { memory_id: locked, text: 'y' },
        ],
        { error: `Memory ${locked} is immutable and cannot be updated` },
      ],
      [
        'no change',
        'put',
        [{ memory_id: mine }],
        { error: `At least one of text or metadata is required (memory ${mine})` },
      ],
      ['bad text', 'put', [{ memory_id: mine, text: 7 }], { error: `text must be a string (memory ${mine})` }],
      ['no list', 'put', undefined, { error: 'memories is required and must be a list' }],
      ['no list', 'delete', { memory_id: mine }, { error: 'memories is required and must be a list' }],
    ];
    for (const [, method, memories, body] of cases) {
      await request(t.http)[method]('/v1/batch/').set(as(a)).send({ memories }).expect(400, body);
    }
    expect(await projectState(t, a.projectId)).toEqual(before);
    expect(await projectState(t, b.projectId)).toEqual(theirsBefore);
  });

  it('caps a batch at 1000 items with the exact messages', async () => {
    const many = Array.from({ length: 1001 }, () => ({ memory_id: '00000000-0000-4000-8000-000000000000' }));
    await request(t.http).put('/v1/batch/').set(as(a)).send({ memories: many }).expect(400, {
      error: 'Maximum of 1000 memories can be updated in a single request',
    });
    await request(t.http).delete('/v1/batch/').set(as(a)).send({ memories: many }).expect(400, {
      error: 'Maximum of 1000 memories can be deleted in a single request',
    });
  });

  it('refuses READER keys', async () => {
    const [id] = await seed(a, ['Enjoys opera']);
    const reader = await t.newMember(a.projectId, Role.READER, 'batch-reader');
    await request(t.http)
      .delete('/v1/batch/')
      .set(as(reader))
      .send({ memories: [{ memory_id: id }] })
      .expect(403, { detail: 'You do not have permission to perform this action.' });
    expect(await t.prisma.memory.count({ where: { id } })).toBe(1);
  });
});
