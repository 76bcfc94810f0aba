import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import request from 'supertest';
import { JobStatus, bullPrefix, QueueName } from '@app/queue';
import { SynthesisService } from '@app/memories';
import { eventually } from '../utils/events';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

interface Row {
  id: string;
  memory: string;
  user_id: string | null;
  agent_id: string | null;
  synthesized: boolean;
  lifecycle_state: string;
  categories: string[] | null;
}

const FITNESS = [
  'Runs about 40 kilometers per week',
  'Lifts weights at the gym three times a week',
  'Is training for a marathon',
  'Tracks every workout with a Garmin watch',
];

/** Dream synthesis: opt-in per project, a repeatable job, pattern memories linked to their sources (offline). */
describe('synthesis of pattern memories (offline)', () => {
  let t: TestApp;
  let a: Tenant;
  let redis: Redis;
  let synthesisQueue: Queue;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });
  const projectPath = (tenant: Tenant) => `/api/v1/orgs/organizations/${tenant.orgId}/projects/${tenant.projectId}/`;

  beforeAll(async () => {
    t = await createTestApp({ worker: true, env: { SYNTHESIS_MIN_MEMORIES: String(FITNESS.length) } });
    a = await t.newTenant('synth');
    redis = new Redis(t.config.env.REDIS_URL, { maxRetriesPerRequest: null });
    synthesisQueue = new Queue(QueueName.Synthesis, {
      connection: redis,
      prefix: bullPrefix(t.config.env.REDIS_PREFIX),
    });
  });
  afterAll(async () => {
    await synthesisQueue.close();
    redis.disconnect();
    await t.close();
  });

  async function list(userId: string): Promise<Row[]> {
    const response = await request(t.http)
      .post('/v3/memories/')
      .set(as(a))
      .send({ filters: { user_id: userId } });
    return response.body.results;
  }

  async function addVerbatim(body: Record<string, unknown>) {
    await request(t.http)
      .post('/v3/memories/add/')
      .set(as(a))
      .send({ infer: false, ...body })
      .expect(200);
  }

  it('is off by default and turned on per project, which schedules a run', async () => {
    const before = await request(t.http).get(projectPath(a)).set(as(a)).expect(200);
    expect(before.body.enable_synthesis).toBe(false);
    await request(t.http).patch(projectPath(a)).set(as(a)).send({ enable_synthesis: 'yes' }).expect(400);
    await request(t.http).patch(projectPath(a)).set(as(a)).send({ enable_synthesis: true }).expect(200);
    expect((await request(t.http).get(projectPath(a)).set(as(a)).expect(200)).body.enable_synthesis).toBe(true);
    expect(await synthesisQueue.getJobScheduler(`synthesis:${a.projectId}`)).toMatchObject({
      every: t.config.env.SYNTHESIS_INTERVAL_HOURS * 3_600_000,
    });
    // The first scheduled run finds nothing to synthesise yet; let it finish before adding memories.
    await eventually(async () =>
      (await synthesisQueue.getJobCounts('waiting', 'active')).active === 0 ? true : undefined,
    );
  });

  it("distils a user's own memories into one pattern linked to them; a second run adds none", async () => {
    await addVerbatim({ user_id: 'sam', messages: FITNESS.map((content) => ({ role: 'user', content })) });
    // Memories with another entity are left out of the user's synthesis.
    await addVerbatim({
      user_id: 'sam',
      agent_id: 'coach',
      messages: [{ role: 'user', content: 'Swims every Sunday' }],
    });
    const sources = await eventually(async () => {
      const rows = await list('sam');
      return rows.length === FITNESS.length + 1 && rows.every((row) => row.categories) ? rows : undefined;
    });
    const own = sources.filter((row) => row.agent_id === null);

    const synthesis = t.app.get(SynthesisService);
    expect(await synthesis.handleSynthesize({ projectId: a.projectId })).toBe(JobStatus.Success);
    const patterns = (await list('sam')).filter((row) => row.synthesized);
    expect(patterns).toHaveLength(1);
    const [pattern] = patterns;
    expect(pattern).toMatchObject({ user_id: 'sam', agent_id: null, lifecycle_state: 'active' });
    expect(pattern.memory).toMatch(/^Recurring theme, sports: /);
    const history = (await request(t.http).get(`/v1/memories/${pattern.id}/history/`).set(as(a)).expect(200)).body;
    expect(history).toHaveLength(1);
    expect(history[0].event).toBe('ADD');
    const evidence = (history[0].input as { memory_id: string }[]).map((item) => item.memory_id).sort();
    expect(evidence).toEqual(own.map((row) => row.id).sort());
    // The sources stay exactly where they were.
    expect((await list('sam')).filter((row) => !row.synthesized).every((row) => row.lifecycle_state === 'active')).toBe(
      true,
    );

    expect(await synthesis.handleSynthesize({ projectId: a.projectId })).toBe(JobStatus.Success);
    expect((await list('sam')).filter((row) => row.synthesized).map((row) => row.id)).toEqual([pattern.id]);
  });

  it('turned off, the schedule goes and a run left in the queue does nothing', async () => {
    await request(t.http).patch(projectPath(a)).set(as(a)).send({ enable_synthesis: false }).expect(200);
    expect((await request(t.http).get(projectPath(a)).set(as(a)).expect(200)).body.enable_synthesis).toBe(false);
    expect(await synthesisQueue.getJobScheduler(`synthesis:${a.projectId}`)).toBeUndefined();
    expect(await t.app.get(SynthesisService).handleSynthesize({ projectId: a.projectId })).toBe(JobStatus.Skipped);
    expect((await list('sam')).filter((row) => row.synthesized)).toHaveLength(1);
  });
});
