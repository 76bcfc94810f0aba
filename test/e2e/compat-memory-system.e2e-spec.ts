import request from 'supertest';
import { Embedder, EMBEDDER } from '@app/ai';
import { Role } from '@app/core';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface SystemMemory {
  id: string;
  content: string;
  user_id: string;
  agent_id: string | null;
  run_id: string | null;
  metadata: Record<string, unknown>;
  embedding: number[];
  relationships: unknown[];
  created_at: string;
  updated_at: string;
  score?: number;
}

/** The Mem0 Memory System, replayed as its users call it: base /v1 with Bearer, or the prefix. */
describe('Mem0 Memory System surface (/memory-system, Bearer on /v1)', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let reader: Tenant;
  let embedder: Embedder;
  const bearer = (tenant: Tenant) => ({ Authorization: `Bearer ${tenant.key}` });
  const token = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  beforeAll(async () => {
    // The limits are the subject of compat-memory-system-limits; here they must not get in the way.
    t = await createTestApp({ env: { MEMORY_SYSTEM_RATE_LIMIT: '10000', MEMORY_SYSTEM_RATE_LIMIT_BURST: '10000' } });
    a = await t.newTenant('memsys');
    b = await t.newTenant('memsys-other');
    reader = await t.newMember(a.projectId, Role.READER, 'memsys-reader');
    embedder = t.app.get<Embedder>(EMBEDDER);
  });
  afterAll(() => t.close());

  function expectSuccess(body: Record<string, unknown>, message: string | RegExp) {
    expect(Object.keys(body).sort()).toEqual(['data', 'message', 'success', 'timestamp']);
    expect(body.success).toBe(true);
    expect(body.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
    expect(body.timestamp).toMatch(ISO);
  }

  function expectError(body: Record<string, unknown>, code: string, message?: string | RegExp) {
    expect(Object.keys(body).sort()).toEqual(['error', 'success', 'timestamp']);
    expect(body.success).toBe(false);
    expect(body.timestamp).toMatch(ISO);
    const error = body.error as { code: string; message: string; details: unknown };
    expect(Object.keys(error).sort()).toEqual(['code', 'details', 'message']);
    expect(error.code).toBe(code);
    if (message !== undefined) {
      expect(error.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
    }
    return error;
  }

  /** The vector the engine stores for this text (pgvector keeps float4: compared to 5 decimals). */
  async function expectEmbeddingOf(memory: SystemMemory) {
    const [vector] = await embedder.embed([memory.content]);
    expect(memory.embedding).toHaveLength(embedder.dimensions);
    memory.embedding.forEach((value, index) => expect(value).toBeCloseTo(vector[index], 5));
  }

  async function add(tenant: Tenant, body: Record<string, unknown>) {
    const response = await request(t.http).post('/v1/memories').set(bearer(tenant)).send(body).expect(201);
    return response.body as { data: SystemMemory[]; message: string } & Record<string, unknown>;
  }

  describe('health and status', () => {
    it('answers GET /memory-system/health without a key, also by X-Mem0-Surface on /health', async () => {
      for (const call of [
        request(t.http).get('/memory-system/health'),
        request(t.http).get('/health').set('X-Mem0-Surface', 'memory-system'),
      ]) {
        const response = await call.expect(200);
        expectSuccess(response.body, 'Service is healthy');
        expect(response.body.data).toEqual({ status: 'healthy', service: 'mem0-memory-system' });
        expect(response.headers['x-ratelimit-limit']).toBeUndefined();
      }
    });

    it('answers GET /status with Bearer: the key, its project and role, the providers, uptime', async () => {
      const response = await request(t.http).get('/status').set(bearer(a)).expect(200);
      expectSuccess(response.body, 'Service is operational');
      expect(response.body.data).toEqual({
        status: 'operational',
        project_id: a.projectId,
        org_id: a.orgId,
        role: 'OWNER',
        providers: { llm: 'offline', embedder: 'offline' },
        uptime_seconds: expect.any(Number),
      });
      expect(Number.isInteger(response.body.data.uptime_seconds)).toBe(true);
      expect(response.body.data.uptime_seconds).toBeGreaterThanOrEqual(0);
      expect(response.headers['x-ratelimit-limit']).toBe('10000');
      const asReader = await request(t.http).get('/memory-system/status').set(token(reader)).expect(200);
      expect(asReader.body.data).toMatchObject({ project_id: a.projectId, role: 'READER' });
    });

    it('leaves /status to the platform (404) when the key comes as Token', async () => {
      const response = await request(t.http).get('/status').set(token(a)).expect(404);
      expect(response.body).toEqual({ detail: 'Not found.' });
    });
  });

  describe('memories', () => {
    let hiking: SystemMemory;

    it('adds from messages (POST /v1/memories, Bearer): 201, the created memories with their vectors', async () => {
      const body = await add(a, {
        messages: [
          { role: 'user', content: 'Hi there! I love hiking on weekends.' },
          { role: 'assistant', content: 'Nice, where do you usually go?' },
        ],
        user_id: 'alice',
        metadata: { source: 'chat' },
      });
      expectSuccess(body, '1 memory created');
      expect(body.data).toHaveLength(1);
      hiking = body.data[0];
      expect(hiking).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        content: expect.stringMatching(/hiking/i),
        user_id: 'alice',
        agent_id: null,
        run_id: null,
        metadata: { source: 'chat' },
        embedding: expect.any(Array),
        relationships: [],
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(hiking.updated_at).toBe(hiking.created_at);
      await expectEmbeddingOf(hiking);
    });

    it('takes a bare string as one user message, keeps agent_id/run_id, stores verbatim with infer=false', async () => {
      const response = await request(t.http)
        .post('/memory-system/v1/memories')
        .set(token(a))
        .send({
          messages: 'Prefers window seats on flights',
          user_id: 'alice',
          agent_id: 'travel',
          run_id: 'r1',
          infer: false,
        })
        .expect(201);
      expectSuccess(response.body, '1 memory created');
      const [memory] = response.body.data as SystemMemory[];
      expect(memory).toMatchObject({
        content: 'Prefers window seats on flights',
        user_id: 'alice',
        agent_id: 'travel',
        run_id: 'r1',
        metadata: {},
        relationships: [],
      });
      await expectEmbeddingOf(memory);
    });

    it('counts the facts an add left unchanged in the message but not in data', async () => {
      const body = await add(a, {
        messages: [{ role: 'user', content: 'I love hiking on weekends.' }],
        user_id: 'alice',
      });
      expectSuccess(body, '1 memory unchanged');
      expect(body.data).toEqual([]);
    });

    it('serves an UPDATE decision as the changed memory, same id', async () => {
      const first = await add(a, { messages: 'I love coffee.', user_id: 'carol' });
      expect(first.data).toHaveLength(1);
      const second = await add(a, { messages: 'I hate coffee.', user_id: 'carol' });
      expectSuccess(second, '1 memory updated');
      expect(second.data).toHaveLength(1);
      expect(second.data[0].id).toBe(first.data[0].id);
      expect(second.data[0].content).toMatch(/coffee/i);
      expect(second.data[0].content).not.toBe(first.data[0].content);
      expect(second.data[0].embedding).not.toEqual(first.data[0].embedding);
      await expectEmbeddingOf(second.data[0]);
    });

    it("searches one user's memories best first with scores (GET /v1/memories/search, Bearer)", async () => {
      await add(b, { messages: 'I love hiking on weekends.', user_id: 'alice' });
      const response = await request(t.http)
        .get('/v1/memories/search')
        .query({ query: 'hiking', user_id: 'alice', limit: 5 })
        .set(bearer(a))
        .expect(200);
      expectSuccess(response.body, 'Found 2 memories');
      const results = response.body.data as SystemMemory[];
      expect(results.map((memory) => memory.id)[0]).toBe(hiking.id);
      expect(results.every((memory) => memory.user_id === 'alice')).toBe(true);
      const scores = results.map((memory) => memory.score!);
      expect(scores).toEqual([...scores].sort((x, y) => y - x));
      scores.forEach((score) => expect(score).toBeGreaterThanOrEqual(0));
      scores.forEach((score) => expect(score).toBeLessThanOrEqual(1));
      expect(results[0]).toEqual({ ...hiking, score: scores[0] });

      const one = await request(t.http)
        .get('/memory-system/v1/memories/search?query=hiking&user_id=alice&limit=1')
        .set(bearer(a))
        .expect(200);
      expectSuccess(one.body, 'Found 1 memory');
      expect(one.body.data.map((memory: SystemMemory) => memory.id)).toEqual([hiking.id]);

      const nobody = await request(t.http).get('/v1/memories/search?query=hiking&user_id=nobody').set(bearer(a));
      expect(nobody.status).toBe(200);
      expectSuccess(nobody.body, 'Found 0 memories');
      expect(nobody.body.data).toEqual([]);
    });

    it('reads one memory with its vector (GET /v1/memories/{id}); Token on the same path keeps the platform', async () => {
      const response = await request(t.http).get(`/v1/memories/${hiking.id}`).set(bearer(a)).expect(200);
      expectSuccess(response.body, 'Memory retrieved successfully');
      expect(response.body.data).toEqual(hiking);

      const platform = await request(t.http).get(`/v1/memories/${hiking.id}`).set(token(a)).expect(200);
      expect(platform.body).toMatchObject({ id: hiking.id, memory: hiking.content, user_id: 'alice' });
      expect(platform.body.success).toBeUndefined();
      expect(platform.body.embedding).toBeUndefined();
    });

    it("lists a user's memories newest first with the total in X-Total-Count (GET /v1/memories/user/{id})", async () => {
      const all = await request(t.http).get('/v1/memories/user/alice').set(bearer(a)).expect(200);
      expectSuccess(all.body, 'Retrieved 2 of 2 memories');
      expect(all.headers['x-total-count']).toBe('2');
      const memories = all.body.data as SystemMemory[];
      expect(memories.map((memory) => memory.content)).toEqual(['Prefers window seats on flights', hiking.content]);
      expect(memories[1]).toEqual(hiking);

      const page = await request(t.http).get('/v1/memories/user/alice?limit=1&offset=1').set(bearer(a)).expect(200);
      expectSuccess(page.body, 'Retrieved 1 of 2 memories');
      expect(page.headers['x-total-count']).toBe('2');
      expect(page.body.data).toEqual([hiking]);

      const none = await request(t.http).get('/memory-system/v1/memories/user/nobody').set(bearer(a)).expect(200);
      expect(none.body.data).toEqual([]);
      expect(none.headers['x-total-count']).toBe('0');
    });

    it('updates content (or its alias text) and metadata (PUT /v1/memories/{id})', async () => {
      const content = await request(t.http)
        .put(`/v1/memories/${hiking.id}`)
        .set(bearer(a))
        .send({ content: 'Loves mountain hiking on weekends' })
        .expect(200);
      expectSuccess(content.body, 'Memory updated successfully');
      const updated = content.body.data as SystemMemory;
      expect(updated).toMatchObject({
        id: hiking.id,
        content: 'Loves mountain hiking on weekends',
        metadata: { source: 'chat' },
      });
      expect(updated.created_at).toBe(hiking.created_at);
      expect(updated.updated_at > hiking.updated_at).toBe(true);
      await expectEmbeddingOf(updated);

      const text = await request(t.http)
        .put(`/memory-system/v1/memories/${hiking.id}`)
        .set(bearer(a))
        .send({ text: 'Loves hiking', metadata: { source: 'edit', rating: 5 } })
        .expect(200);
      expect(text.body.data).toMatchObject({ content: 'Loves hiking', metadata: { source: 'edit', rating: 5 } });

      const read = await request(t.http).get(`/v1/memories/${hiking.id}`).set(bearer(a)).expect(200);
      expect(read.body.data).toEqual(text.body.data);
      await expectEmbeddingOf(read.body.data);
    });

    it('deletes one memory (DELETE /v1/memories/{id}); it is then 404 MEMORY_NOT_FOUND', async () => {
      const added = await add(a, { messages: 'Forget me soon', user_id: 'dave', infer: false });
      const id = added.data[0].id;
      const response = await request(t.http).delete(`/v1/memories/${id}`).set(bearer(a)).expect(200);
      expectSuccess(response.body, 'Memory deleted successfully');
      expect(response.body.data).toEqual({ id, deleted: true });
      const gone = await request(t.http).get(`/v1/memories/${id}`).set(bearer(a)).expect(404);
      expectError(gone.body, 'MEMORY_NOT_FOUND', 'Memory not found!');
      const again = await request(t.http).delete(`/v1/memories/${id}`).set(bearer(a)).expect(404);
      expectError(again.body, 'MEMORY_NOT_FOUND');
    });

    it('serves project metrics to owner keys (GET /metrics)', async () => {
      const response = await request(t.http).get('/metrics').set(bearer(a)).expect(200);
      expectSuccess(response.body, 'Metrics retrieved successfully');
      const total = (await request(t.http).get('/v1/stats/').set(token(a)).expect(200)).body.total_memories;
      expect(response.body.data).toEqual({
        project_id: a.projectId,
        // alice (2), carol (1); dave's memory was deleted.
        memories: { total: 3, users: 2, agents: 1, runs: 1 },
        events: { adds: expect.any(Number), retrievals: expect.any(Number) },
        process: { uptime_seconds: expect.any(Number), memory_rss_bytes: expect.any(Number) },
        rate_limits: { enabled: true, per_minute: 10000, burst_per_10_seconds: 10000 },
      });
      expect(total).toBe(3);
      expect(response.body.data.events.adds).toBeGreaterThanOrEqual(6);
      expect(response.body.data.process.memory_rss_bytes).toBeGreaterThan(1_000_000);
    });
  });

  describe('errors in the envelope', () => {
    it('refuses an add without user_id: 400 INVALID_REQUEST with the problems list', async () => {
      const response = await request(t.http)
        .post('/v1/memories')
        .set(bearer(a))
        .send({ messages: [{ role: 'user', content: 'hello' }] })
        .expect(400);
      const error = expectError(response.body, 'INVALID_REQUEST', 'Request validation failed');
      expect(error.details).toEqual([
        { type: 'missing', loc: ['body', 'user_id'], msg: 'Field required', input: expect.anything() },
      ]);
    });

    it('refuses malformed adds: bad messages, metadata not an object, infer not a boolean, broken JSON', async () => {
      const cases: [Record<string, unknown>, (string | number)[], string][] = [
        [{ messages: 42, user_id: 'u' }, ['body', 'messages'], 'list_type'],
        [{ messages: [], user_id: 'u' }, ['body', 'messages'], 'too_short'],
        [{ messages: [{ role: 'user' }], user_id: 'u' }, ['body', 'messages', 0, 'content'], 'missing'],
        [{ messages: 'hi', user_id: 'u', metadata: 'x' }, ['body', 'metadata'], 'dict_type'],
        [{ messages: 'hi', user_id: 'u', infer: 'yes' }, ['body', 'infer'], 'bool_type'],
      ];
      for (const [body, loc, type] of cases) {
        const response = await request(t.http).post('/v1/memories').set(bearer(a)).send(body).expect(400);
        const error = expectError(response.body, 'INVALID_REQUEST');
        expect(error.details).toEqual([expect.objectContaining({ loc, type })]);
      }
      const broken = await request(t.http)
        .post('/v1/memories')
        .set(bearer(a))
        .set('Content-Type', 'application/json')
        .send('{"messages": ')
        .expect(400);
      expectError(broken.body, 'INVALID_REQUEST');
    });

    it('refuses a search without query or user_id, or with a limit that is not an integer in 1..100', async () => {
      const cases: [string, (string | number)[], string][] = [
        ['user_id=alice', ['query', 'query'], 'missing'],
        ['query=hiking', ['query', 'user_id'], 'missing'],
        ['query=hiking&user_id=alice&limit=abc', ['query', 'limit'], 'int_parsing'],
        ['query=hiking&user_id=alice&limit=2.5', ['query', 'limit'], 'int_parsing'],
        ['query=hiking&user_id=alice&limit=0', ['query', 'limit'], 'greater_than_equal'],
        ['query=hiking&user_id=alice&limit=101', ['query', 'limit'], 'less_than_equal'],
      ];
      for (const [query, loc, type] of cases) {
        const response = await request(t.http).get(`/v1/memories/search?${query}`).set(bearer(a)).expect(400);
        const error = expectError(response.body, 'INVALID_REQUEST', 'Request validation failed');
        expect(error.details).toEqual([expect.objectContaining({ loc, type })]);
      }
      const page = await request(t.http).get('/v1/memories/user/alice?limit=1001').set(bearer(a)).expect(400);
      expect(expectError(page.body, 'INVALID_REQUEST').details).toEqual([
        expect.objectContaining({ loc: ['query', 'limit'], type: 'less_than_equal' }),
      ]);
    });

    it('refuses an update with nothing to change', async () => {
      const [memory] = (await add(a, { messages: 'Plays chess', user_id: 'erin', infer: false })).data;
      const response = await request(t.http).put(`/v1/memories/${memory.id}`).set(bearer(a)).send({}).expect(400);
      const error = expectError(response.body, 'INVALID_REQUEST');
      expect(error.details).toEqual([
        { type: 'value_error', loc: ['body'], msg: 'Value error, content or metadata is required', input: {} },
      ]);
    });

    it("answers 404 MEMORY_NOT_FOUND for an unknown, a non-UUID or another project's id, and changes nothing", async () => {
      const [theirs] = (await add(b, { messages: 'Secret of tenant b', user_id: 'bob', infer: false })).data;
      const calls = (id: string) => [
        request(t.http).get(`/v1/memories/${id}`).set(bearer(a)),
        request(t.http).put(`/v1/memories/${id}`).set(bearer(a)).send({ content: 'hijacked' }),
        request(t.http).delete(`/v1/memories/${id}`).set(bearer(a)),
      ];
      for (const id of [UNKNOWN_ID, 'not-a-uuid', theirs.id]) {
        for (const call of calls(id)) {
          const response = await call.expect(404);
          expectError(response.body, 'MEMORY_NOT_FOUND', 'Memory not found!');
        }
      }
      const still = await request(t.http).get(`/v1/memories/${theirs.id}`).set(bearer(b)).expect(200);
      expect(still.body.data).toEqual(theirs);
      const search = await request(t.http)
        .get('/v1/memories/search?query=secret&user_id=bob')
        .set(bearer(a))
        .expect(200);
      expect(search.body.data).toEqual([]);
    });

    it('answers an unknown route under the prefix with 404 NOT_FOUND', async () => {
      const response = await request(t.http).get('/memory-system/v1/nowhere').set(bearer(a)).expect(404);
      expectError(response.body, 'NOT_FOUND');
    });
  });
});
