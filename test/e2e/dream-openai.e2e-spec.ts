import request from 'supertest';
import { SynthesisService } from '@app/memories';
import { JobStatus } from '@app/queue';
import { waitForEvent } from '../utils/events';
import {
  chatKind,
  defaultChatReply,
  FakeChatBody,
  lifecycleRequest,
  startFakeOpenAi,
  synthesisMemories,
} from '../utils/fake-openai';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

type Fake = Awaited<ReturnType<typeof startFakeOpenAi>>;

/** A stand-in model: supersedes a Lisbon memory with a Berlin fact, merges the bare dog memory, one pattern of all. */
function decide(body: FakeChatBody): string {
  if (chatKind(body) === 'lifecycle') {
    const { memories, facts } = lifecycleRequest(body);
    const decisions = facts.flatMap((fact) =>
      fact.memories.flatMap((id) => {
        const memory = memories.find((m) => m.id === id)!.text;
        if (/Berlin/.test(fact.text) && /Lisbon/.test(memory))
          return [{ fact: fact.id, memory: id, action: 'supersede' }];
        if (/retriever/.test(fact.text) && /named Rex/.test(memory))
          return [{ fact: fact.id, memory: id, action: 'merge' }];
        return [];
      }),
    );
    return JSON.stringify({ decisions });
  }
  if (chatKind(body) === 'synthesis') {
    const sources = synthesisMemories(body).map((memory) => memory.id);
    return JSON.stringify({ patterns: [{ text: 'Follows a structured fitness routine', sources }] });
  }
  return defaultChatReply(body);
}

describe('supersede, merge and synthesis with an OpenAI-compatible model', () => {
  let fake: Fake;
  let t: TestApp;
  let a: Tenant;
  const as = { Authorization: '' };

  beforeAll(async () => {
    fake = await startFakeOpenAi({ chat: decide, embeddingSize: 64 });
    t = await createTestApp({
      worker: true,
      env: {
        ...{ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.baseURL, LLM_PROVIDER: 'auto' },
        ...{ EMBEDDER_PROVIDER: 'auto', OPENAI_EMBEDDING_DIMENSIONS: '64', SYNTHESIS_MIN_MEMORIES: '3' },
      },
    });
    a = await t.newTenant('dream-openai');
    as.Authorization = `Token ${a.key}`;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  async function add(userId: string, content: string) {
    const queued = await request(t.http)
      .post('/v3/memories/add/')
      .set(as)
      .send({ messages: [{ role: 'user', content }], user_id: userId })
      .expect(200);
    const event = await waitForEvent(t, a.key, queued.body.event_id);
    return event.results as { id: string; memory: string }[];
  }
  const lifecycleCalls = () => fake.chatBodies().filter((body) => chatKind(body) === 'lifecycle');

  it('asks the model once per add, in JSON mode, and applies its supersede and merge decisions', async () => {
    const [lisbon] = await add('rui', 'I live in Lisbon.');
    const [bare] = await add('rui', 'I have a dog named Rex.');
    fake.reset();
    const [berlin] = await add('rui', 'I live in Berlin now, not in Lisbon.');
    expect(lifecycleCalls()).toHaveLength(1);
    const [call] = lifecycleCalls();
    expect(call.response_format).toEqual({ type: 'json_object' });
    expect(lifecycleRequest(call).facts).toEqual([
      expect.objectContaining({ id: '0', text: 'I live in Berlin now, not in Lisbon.' }),
    ]);
    const old = (await request(t.http).get(`/v1/memories/${lisbon.id}/`).set(as).expect(200)).body;
    expect(old).toMatchObject({ lifecycle_state: 'superseded', replaced_by: berlin.id });
    // The retirement's history entry and webhook name the add that caused it.
    const berlinRow = await t.prisma.memory.findUniqueOrThrow({ where: { id: berlin.id } });
    const [retired] = await t.prisma.memoryHistory.findMany({ where: { memoryId: lisbon.id, event: 'UPDATE' } });
    expect(retired).toMatchObject({
      oldMemory: lisbon.memory,
      newMemory: lisbon.memory,
      userId: 'rui',
      input: [{ role: 'user', content: 'I live in Berlin now, not in Lisbon.' }],
      metadata: { lifecycle_state: 'superseded', replaced_by: berlin.id },
    });
    const updates = await t.prisma.webhookOutbox.findMany({
      where: { projectId: a.projectId, eventType: 'memory_update' },
    });
    expect(updates.map((row) => row.payload)).toContainEqual({
      event_details: expect.objectContaining({
        id: lisbon.id,
        event: 'UPDATE',
        data: { memory: lisbon.memory },
        user_id: 'rui',
        agent_id: null,
        event_id: berlinRow.sourceEventId,
        timestamp: expect.any(String),
      }),
    });

    const [rich] = await add('rui', 'My dog Rex is a golden retriever named Rex.');
    const merged = (await request(t.http).get(`/v1/memories/${bare.id}/`).set(as).expect(200)).body;
    expect(merged).toMatchObject({ lifecycle_state: 'merged', replaced_by: rich.id });
    const latest = await request(t.http)
      .post('/v3/memories/search/')
      .set(as)
      .send({ query: 'Where does the user live?', filters: { user_id: 'rui' }, latest_only: true })
      .expect(200);
    expect(latest.body.results.map((row: { id: string }) => row.id)).not.toContain(lisbon.id);
  });

  it('adds with no similar memory make no supersede call', async () => {
    fake.reset();
    await add('newcomer', 'I collect vintage stamps.');
    expect(lifecycleCalls()).toHaveLength(0);
  });

  it('synthesises with the model: one pattern linked to its sources, none on a rerun', async () => {
    const path = `/api/v1/orgs/organizations/${a.orgId}/projects/${a.projectId}/`;
    await request(t.http).patch(path).set(as).send({ enable_synthesis: true }).expect(200);
    await request(t.http)
      .post('/v3/memories/add/')
      .set(as)
      .send({
        infer: false,
        user_id: 'fit',
        messages: ['Runs 40 km a week', 'Lifts weights three times a week', 'Tracks workouts on a Garmin'].map(
          (content) => ({ role: 'user', content }),
        ),
      })
      .expect(200);
    const synthesis = t.app.get(SynthesisService);
    const patterns = async () => {
      const response = await request(t.http)
        .post('/v3/memories/')
        .set(as)
        .send({ filters: { user_id: 'fit' } });
      return (response.body.results as { id: string; memory: string; synthesized: boolean }[]).filter(
        (r) => r.synthesized,
      );
    };
    expect(await synthesis.handleSynthesize({ projectId: a.projectId })).toBe(JobStatus.Success);
    const first = await patterns();
    expect(first.map((row) => row.memory)).toEqual(['Follows a structured fitness routine']);
    const history = (await request(t.http).get(`/v1/memories/${first[0].id}/history/`).set(as).expect(200)).body;
    expect(history[0].input).toHaveLength(3);
    expect(await synthesis.handleSynthesize({ projectId: a.projectId })).toBe(JobStatus.Success);
    expect((await patterns()).map((row) => row.id)).toEqual([first[0].id]);
  });
});
