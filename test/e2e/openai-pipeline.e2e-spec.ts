import request from 'supertest';
import { startFakeOpenAi } from '../utils/fake-openai';
import { waitForEvent } from '../utils/events';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

type Fake = Awaited<ReturnType<typeof startFakeOpenAi>>;

/** The whole add pipeline on the OpenAI-compatible provider, against a fake served on loopback. */
describe('add pipeline with an OpenAI-compatible provider', () => {
  let fake: Fake;
  let t: TestApp;
  let tenant: Tenant;
  let failing = false;

  beforeAll(async () => {
    fake = await startFakeOpenAi({
      chat: (body) => {
        if (failing) {
          return { status: 500, message: 'upstream exploded' };
        }
        const system = body.messages[0]?.content ?? '';
        if (/categor/i.test(system)) {
          return '{"categories": ["food"]}';
        }
        return '{"facts": [{"text": "Likes spicy ramen", "source": "user"}, {"text": "Will suggest ramen places", "source": "assistant"}]}';
      },
      embeddingSize: 64,
    });
    t = await createTestApp({
      worker: true,
      env: {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: fake.baseURL,
        LLM_PROVIDER: 'auto',
        EMBEDDER_PROVIDER: 'auto',
        OPENAI_EMBEDDING_MODEL: 'text-embedding-3-small',
        OPENAI_EMBEDDING_DIMENSIONS: '64',
      },
    });
    tenant = await t.newTenant('openai');
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('extracts with the model, attributes user and assistant facts, embeds and categorises', async () => {
    const queued = await request(t.http)
      .post('/v3/memories/add/')
      .set('Authorization', `Token ${tenant.key}`)
      .send({
        messages: [
          { role: 'user', content: 'I really like spicy ramen' },
          { role: 'assistant', content: 'I will suggest some ramen places' },
        ],
        user_id: 'kim',
        agent_id: 'food-bot',
        custom_instructions: 'Only food preferences',
      })
      .expect(200);
    const event = await waitForEvent(t, tenant.key, queued.body.event_id);
    expect(event.status).toBe('SUCCEEDED');
    const byText = Object.fromEntries(event.results.map((item) => [item.memory, item]));
    expect(byText['Likes spicy ramen']).toMatchObject({ user_id: 'kim', agent_id: null });
    expect(byText['Will suggest ramen places']).toMatchObject({ user_id: null, agent_id: 'food-bot' });

    const chat = fake.requests.filter((r) => r.path.endsWith('/chat/completions'));
    expect(chat[0].headers.authorization).toBe('Bearer sk-test');
    expect(JSON.stringify(chat[0].body)).toContain('Only food preferences');
    const embedded = await t.prisma.$queryRaw<{ embedder: string; dimensions: number }[]>`
      SELECT embedder, vector_dims(embedding) AS dimensions FROM memories WHERE project_id = ${tenant.projectId}::uuid`;
    expect(embedded).toEqual([
      { embedder: 'openai:text-embedding-3-small:64', dimensions: 64 },
      { embedder: 'openai:text-embedding-3-small:64', dimensions: 64 },
    ]);
  });

  it('ends the event FAILED with the provider error when the model keeps failing, never stuck', async () => {
    failing = true;
    try {
      const queued = await request(t.http)
        .post('/v3/memories/add/')
        .set('Authorization', `Token ${tenant.key}`)
        .send({ messages: 'I have a cat', user_id: 'kim' })
        .expect(200);
      const event = await waitForEvent(t, tenant.key, queued.body.event_id);
      expect(event.status).toBe('FAILED');
      expect(event.error).toMatch(/HTTP 500/);
      expect(event.error).toMatch(/upstream exploded/);
    } finally {
      failing = false;
    }
  });
});
