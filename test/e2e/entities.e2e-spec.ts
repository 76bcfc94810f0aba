import request from 'supertest';
import { waitForEvent } from '../utils/events';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

describe('entities, bulk deletes, events and stats', () => {
  let t: TestApp;
  let a: Tenant;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  beforeAll(async () => {
    t = await createTestApp({ worker: true });
    a = await t.newTenant('ent');
  });
  afterAll(() => t.close());

  async function store(scope: Record<string, string>, ...texts: string[]) {
    const response = await request(t.http)
      .post('/v3/memories/add/')
      .set(as(a))
      .send({ messages: texts.map((content) => ({ role: 'user', content })), infer: false, ...scope })
      .expect(200);
    return response.body.results as { id: string }[];
  }

  const count = (where: Record<string, string>) =>
    t.prisma.memory.count({ where: { projectId: a.projectId, ...where } });

  it('lists the entities that own memories with the envelope and counters both SDKs read', async () => {
    await store({ user_id: 'alice' }, 'a1', 'a2');
    await store({ user_id: 'bob', run_id: 'run-1' }, 'b1');
    await store({ agent_id: 'helper' }, 'h1');
    const response = await request(t.http).get('/v1/entities/').set(as(a)).expect(200);
    expect(response.body).toMatchObject({
      count: 4,
      next: null,
      previous: null,
      total_users: 2,
      total_agents: 1,
      total_apps: 0,
      total_runs: 1,
    });
    const alice = response.body.results.find((entity: { name: string }) => entity.name === 'alice');
    expect(alice).toMatchObject({ type: 'user', total_memories: 2, id: expect.stringMatching(/^\d+$/) });
    const paged = await request(t.http).get('/v1/entities/?page=2&page_size=3').set(as(a)).expect(200);
    expect(paged.body.results).toHaveLength(1);
    expect(paged.body.previous).toMatch(/page=1/);
    await request(t.http).get('/v1/entities/?page=9').set(as(a)).expect(404, { detail: 'Invalid page.' });
  });

  it('creates entities explicitly (201, idempotent, metadata merged) and reads them', async () => {
    const created = await request(t.http)
      .post('/v1/agents/')
      .set(as(a))
      .send({ agent_id: 'planner', metadata: { tier: 1 } })
      .expect(201);
    expect(created.body).toMatchObject({
      agent_id: 'planner',
      name: 'planner',
      metadata: { tier: 1 },
      is_deleted: false,
      id: expect.any(Number),
    });
    const again = await request(t.http)
      .post('/v1/agents/')
      .set(as(a))
      .send({ agent_id: 'planner', metadata: { team: 'x' } })
      .expect(201);
    expect(again.body).toMatchObject({ id: created.body.id, metadata: { tier: 1, team: 'x' } });
    await request(t.http)
      .post('/v1/users/')
      .set(as(a))
      .send({})
      .expect(400, { user_id: ['This field is required.'] });
    const read = await request(t.http).get('/v2/entities/agent/planner/').set(as(a)).expect(200);
    expect(read.body).toEqual([expect.objectContaining({ name: 'planner', type: 'agent', total_memories: 0 })]);
    await request(t.http).get('/v2/entities/agent/nobody/').set(as(a)).expect(200, []);
    await request(t.http).get('/v2/entities/robot/x/').set(as(a)).expect(400, { message: 'Invalid entity type' });
  });

  it('refuses an entity creation without a body or with a null one (400, never 500)', async () => {
    for (const type of ['user', 'agent', 'app', 'run']) {
      const required = { [`${type}_id`]: ['This field is required.'] };
      await request(t.http).post(`/v1/${type}s/`).set(as(a)).expect(400, required);
      await request(t.http)
        .post(`/v1/${type}s/`)
        .set({ ...as(a), 'Content-Type': 'application/json' })
        .send('null')
        .expect(400, required);
      await request(t.http)
        .post(`/v1/${type}s/`)
        .set({ ...as(a), 'Content-Type': 'application/json' })
        .send('')
        .expect(400, required);
    }
  });

  it('deletes exactly one entity’s memories in the background (v2 by name, v1 by integer id)', async () => {
    await store({ user_id: 'carol' }, 'c1', 'c2', 'c3');
    await store({ user_id: 'dave' }, 'd1');
    const deleted = await request(t.http).delete('/v2/entities/user/carol/').set(as(a)).expect(200);
    expect(deleted.body).toEqual({
      message: 'Delete in progress. This may take some time.',
      event_id: expect.any(String),
    });
    const event = await waitForEvent(t, a.key, deleted.body.event_id);
    expect(event).toMatchObject({ status: 'SUCCEEDED', event_type: 'DELETE_USER', metadata: { deleted_count: 3 } });
    expect(await count({ userId: 'carol' })).toBe(0);
    expect(await count({ userId: 'dave' })).toBe(1);
    expect(
      await t.prisma.webhookOutbox.count({ where: { projectId: a.projectId, eventType: 'memory_delete' } }),
    ).toBeGreaterThanOrEqual(3);

    const listed = await request(t.http).get('/v1/entities/').set(as(a)).expect(200);
    const dave = listed.body.results.find((entity: { name: string }) => entity.name === 'dave');
    expect(listed.body.results.some((entity: { name: string }) => entity.name === 'carol')).toBe(false);
    const legacy = await request(t.http).delete(`/v1/entities/user/${dave.id}/`).set(as(a)).expect(200);
    await waitForEvent(t, a.key, legacy.body.event_id);
    expect(await count({ userId: 'dave' })).toBe(0);
    await request(t.http).delete('/v2/entities/user/nobody/').set(as(a)).expect(404, { detail: 'Not found.' });
  });

  it('deletes by filter: one param, several ANDed, or * for every value; none is refused', async () => {
    await store({ user_id: 'erin', run_id: 'r1' }, 'e1');
    await store({ user_id: 'erin', run_id: 'r2' }, 'e2');
    await store({ user_id: 'frank' }, 'f1');
    await request(t.http).delete('/v1/memories/').set(as(a)).expect(400, {
      error: "At least one filter is required: user_id, agent_id, app_id or run_id. Use '*' to match all.",
    });
    const both = await request(t.http).delete('/v1/memories/?user_id=erin&run_id=r1').set(as(a)).expect(200);
    expect((await waitForEvent(t, a.key, both.body.event_id)).event_type).toBe('DELETE_ALL');
    expect(await count({ userId: 'erin' })).toBe(1);
    const all = await request(t.http).delete('/v1/memories/?user_id=*').set(as(a)).expect(200);
    await waitForEvent(t, a.key, all.body.event_id);
    expect(await t.prisma.memory.count({ where: { projectId: a.projectId, userId: { not: null } } })).toBe(0);
    expect(await count({ agentId: 'helper' })).toBe(1);
  });

  it('lists events newest first with filters, and reports stats', async () => {
    const events = await request(t.http).get('/v1/events/?page_size=2').set(as(a)).expect(200);
    expect(events.body.results).toHaveLength(2);
    expect(events.body.next).toMatch(/page=2/);
    const [newest, older] = events.body.results;
    expect(newest.created_at >= older.created_at).toBe(true);
    const deletes = await request(t.http).get('/v1/events/?event_type=DELETE_USER').set(as(a)).expect(200);
    expect(deletes.body.results.every((event: { event_type: string }) => event.event_type === 'DELETE_USER')).toBe(
      true,
    );
    const stats = await request(t.http).get('/v1/stats/').set(as(a)).expect(200);
    expect(stats.body).toMatchObject({
      total_memories: 1,
      total_agents_with_memories: 1,
      total_users_with_memories: 0,
    });
    expect(stats.body.total_add_events).toBeGreaterThanOrEqual(6);
  });

  it('wipes by wildcards: each * takes its entity type, all four the whole project', async () => {
    const b = await t.newTenant('wipe');
    const add = (scope: Record<string, string>, content: string) =>
      request(t.http)
        .post('/v3/memories/add/')
        .set(as(b))
        .send({ messages: [{ role: 'user', content }], infer: false, ...scope })
        .expect(200);
    const remaining = () => t.prisma.memory.findMany({ where: { projectId: b.projectId }, select: { memory: true } });
    const wipe = async (query: string) => {
      const response = await request(t.http).delete(`/v1/memories/?${query}`).set(as(b)).expect(200);
      return waitForEvent(t, b.key, response.body.event_id);
    };
    await add({ user_id: 'u1' }, 'only a user');
    await add({ agent_id: 'g1' }, 'only an agent');
    await add({ app_id: 'p1' }, 'only an app');
    await add({ run_id: 'r1' }, 'only a run');
    await add({ user_id: 'u2', agent_id: 'g2' }, 'a user and an agent');
    const some = await wipe('user_id=*&agent_id=*');
    expect(some.metadata).toMatchObject({ deleted_count: 3 });
    expect((await remaining()).map((row) => row.memory).sort()).toEqual(['only a run', 'only an app']);
    await add({ user_id: 'u3', run_id: 'r3' }, 'a user in a run');
    const all = await wipe('user_id=*&agent_id=*&app_id=*&run_id=*');
    expect(all).toMatchObject({ status: 'SUCCEEDED', metadata: { deleted_count: 3 } });
    expect(await remaining()).toEqual([]);
    expect(await count({})).toBeGreaterThan(0);
  });

  it("reads filters the Python client sends as a dict's str()", async () => {
    await store({ user_id: 'gina' }, 'g1');
    await store({ user_id: 'hugo' }, 'h1');
    const filters = encodeURIComponent("{'user_id': 'gina'}");
    const response = await request(t.http).delete(`/v1/memories/?filters=${filters}`).set(as(a)).expect(200);
    expect((await waitForEvent(t, a.key, response.body.event_id)).metadata).toMatchObject({ deleted_count: 1 });
    expect(await count({ userId: 'gina' })).toBe(0);
    expect(await count({ userId: 'hugo' })).toBe(1);
    await request(t.http)
      .delete(`/v1/memories/?filters=${encodeURIComponent("{'user_id': print('x')}")}`)
      .set(as(a))
      .expect(400, { error: 'filters must be a JSON object' });
  });
});
