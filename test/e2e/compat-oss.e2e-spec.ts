import request from 'supertest';
import { Role } from '@app/core';
import { AdminService } from '@app/tenancy';
import { startFakeOpenAi } from '../utils/fake-openai';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STAMP = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
type AddAnswer = { results: { id: string; memory: string; event: string; previous_memory?: string }[] };

const say = (content: string) => [{ role: 'user', content }];
const texts = (body: { results: { memory: string }[] }) => body.results.map((item) => item.memory);

/** Requests as the OSS server's clients send them: `X-API-Key`, or no key at all. */
function client(t: TestApp, tenant?: Tenant) {
  const as = (test: request.Test) => (tenant ? test.set('X-API-Key', tenant.key) : test);
  return {
    get: (path: string) => as(request(t.http).get(path)),
    post: (path: string, body: unknown = {}) => as(request(t.http).post(path)).send(body as object),
    put: (path: string, body: unknown) => as(request(t.http).put(path)).send(body as object),
    delete: (path: string) => as(request(t.http).delete(path)),
  };
}

/** The upstream docs' curl examples (docs/open-source/features/rest-api.mdx, server/main.py), replayed. */
describe('mem0 OSS REST server (seed 000)', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let reader: Tenant;

  beforeAll(async () => {
    t = await createTestApp({ worker: true });
    a = await t.newTenant('oss');
    b = await t.newTenant('oss-other');
    reader = await t.newMember(a.projectId, Role.READER, 'oss-reader');
  });
  afterAll(() => t.close());

  const api = (tenant?: Tenant) => client(t, tenant);
  const add = async (tenant: Tenant, body: Record<string, unknown>) =>
    (await api(tenant).post('/memories', body).expect(200)).body as AddAnswer;
  const search = (tenant: Tenant, body: Record<string, unknown>) => api(tenant).post('/search', body);

  it('adds, lists, reads, searches, updates, tracks and deletes a memory as the docs show', async () => {
    const added = await add(a, { messages: say('I love fresh vegetable pizza.'), user_id: 'alice' });
    expect(added.results).toEqual([
      { id: expect.stringMatching(UUID), memory: expect.stringMatching(/pizza/i), event: 'ADD' },
    ]);
    const [{ id, memory }] = added.results;
    const hash = expect.stringMatching(/^[0-9a-f]{32}$/);
    const dates = { created_at: STAMP, updated_at: STAMP };
    // mem0's get_all leaves the score out; get answers it as null.
    const listed = { id, memory, hash, metadata: null, ...dates, user_id: 'alice' };
    expect((await api(a).get('/memories?user_id=alice').expect(200)).body).toEqual({ results: [listed] });
    expect((await api(a).get(`/memories/${id}`).expect(200)).body).toEqual({ ...listed, score: null });

    const found = await search(a, { query: 'vegetable', user_id: 'alice' }).expect(200);
    expect(found.body.results).toEqual([{ ...listed, score: expect.any(Number) }]);
    expect(found.body.results[0].score).toBeGreaterThan(0.1);
    const explained = (await search(a, { query: 'vegetable pizza', user_id: 'alice', explain: true }).expect(200)).body;
    const details = { semantic_score: expect.any(Number), bm25_score: expect.any(Number), threshold: 0.1 };
    expect(explained.results[0].score_details).toEqual({ ...details, final_score: explained.results[0].score });
    expect(explained.results[0].score_details.bm25_score).toBeGreaterThan(0);

    const text = 'Loves margherita pizza';
    await api(a).put(`/memories/${id}`, { text }).expect(200, { message: 'Memory updated successfully!' });
    expect((await api(a).get(`/memories/${id}`)).body.memory).toBe(text);
    const entry = { id: expect.any(String), memory_id: id, actor_id: null, role: null, is_deleted: false };
    const stamps = { created_at: STAMP, updated_at: expect.any(String) };
    expect((await api(a).get(`/memories/${id}/history`).expect(200)).body).toEqual([
      { ...entry, ...stamps, old_memory: null, new_memory: memory, event: 'ADD' },
      { ...entry, ...stamps, old_memory: memory, new_memory: text, event: 'UPDATE' },
    ]);

    await api(a).delete(`/memories/${id}`).expect(200, { message: 'Memory deleted successfully' });
    await api(a).get(`/memories/${id}`).expect(404, { detail: 'Memory not found' });
    const kept = (await api(a).get(`/memories/${id}/history`).expect(200)).body;
    expect(kept.map((row: { event: string }) => row.event)).toEqual(['ADD', 'UPDATE', 'DELETE']);
    expect(kept[2]).toMatchObject({ is_deleted: true, old_memory: text, new_memory: null });
  });

  it('decides like mem0 v1: a changed fact UPDATEs the memory and reports the previous text', async () => {
    const first = await add(a, { messages: say('I live in Paris.'), user_id: 'mover' });
    const second = await add(a, { messages: say('I live in Berlin now.'), user_id: 'mover' });
    expect(second.results).toEqual([
      { id: first.results[0].id, memory: 'Lives in Berlin now', event: 'UPDATE', previous_memory: 'Lives in Paris' },
    ]);
    // Repeating a known fact is a NOOP, which mem0 leaves out of the results.
    expect(await add(a, { messages: say('I live in Berlin now.'), user_id: 'mover' })).toEqual({ results: [] });
  });

  it('keeps metadata, every id, verbatim text (infer=false) and expiration; lists newest first up to top_k', async () => {
    const ids = { user_id: 'kim', agent_id: 'chef', run_id: 'r1' };
    const body = { ...ids, metadata: { source: 'chat' }, infer: false };
    await add(a, { ...body, messages: say('first note') });
    const system = { role: 'system', content: 'ignored' };
    await add(a, { ...body, messages: [{ role: 'human', content: 'second note' }, system] });
    await add(a, { ...body, messages: say('old note'), expiration_date: '2020-01-01' });
    const listed = (await api(a).get('/oss/memories?user_id=kim&agent_id=chef').expect(200)).body;
    expect(texts(listed)).toEqual(['second note', 'first note']);
    expect(listed.results[0]).toMatchObject({ ...ids, metadata: { source: 'chat' } });
    expect(texts((await api(a).get('/memories?run_id=r1&top_k=1').expect(200)).body)).toEqual(['second note']);
    const all = (await api(a).get('/memories?user_id=kim&show_expired=true').expect(200)).body;
    expect(all.results[0]).toMatchObject({ memory: 'old note', expiration_date: '2020-01-01' });
    const query = { query: 'old note', user_id: 'kim', threshold: 0 };
    expect(texts((await search(a, { ...query, show_expired: true }).expect(200)).body)).toContain('old note');
    expect(texts((await search(a, query).expect(200)).body)).not.toContain('old note');
  });

  it('lists every memory of the project for owner keys only, in the raw shape upstream uses', async () => {
    const all = (await api(a).get('/memories').expect(200)).body;
    expect(all.results.length).toBeGreaterThanOrEqual(4);
    const ids = { user_id: 'kim', agent_id: 'chef', run_id: 'r1', hash: expect.any(String) };
    const rest = { expiration_date: '2020-01-01', metadata: { source: 'chat' }, created_at: STAMP, updated_at: STAMP };
    const old = all.results.find((m: { memory: string }) => m.memory === 'old note');
    expect(old).toEqual({ id: expect.stringMatching(UUID), memory: 'old note', ...ids, ...rest });
    expect((await api(a).get('/memories?top_k=2').expect(200)).body.results).toHaveLength(2);
    await api(reader).get('/memories').expect(403, { detail: 'Admin role required to list all memories.' });
    expect((await api(reader).get('/memories?user_id=kim').expect(200)).body.results).toHaveLength(2);
  });

  it("searches with mem0's filters: metadata keys, AND/OR, the platform's fields; refuses unscoped ones", async () => {
    await add(a, { user_id: 'sam', infer: false, messages: say('Pizza on Fridays'), metadata: { category: 'food' } });
    await add(a, { user_id: 'sam', infer: false, messages: say('Tennis on Sundays'), metadata: { category: 'sport' } });
    const matching = async (body: Record<string, unknown>) =>
      texts((await search(a, { query: 'what do I do on weekends', threshold: 0, ...body }).expect(200)).body).sort();
    const [food, sport] = [['Pizza on Fridays'], ['Tennis on Sundays']];
    expect(await matching({ filters: { user_id: 'sam' } })).toEqual([...food, ...sport]);
    expect(await matching({ filters: { user_id: 'sam', category: 'food' } })).toEqual(food);
    expect(await matching({ filters: { AND: [{ user_id: 'sam' }, { category: 'sport' }] } })).toEqual(sport);
    expect(await matching({ filters: { user_id: { in: ['sam', 'x'] }, metadata: { category: 'sport' } } })).toEqual(
      sport,
    );
    const either = { OR: [{ category: 'food' }, { category: 'sport' }] };
    expect(await matching({ user_id: 'sam', filters: either })).toEqual([...food, ...sport]);
    expect(await matching({ user_id: 'sam', top_k: 1 })).toHaveLength(1);
    expect(await matching({ user_id: 'sam', top_k: 0 })).toEqual([]);
    expect(await matching({ user_id: 'nobody' })).toEqual([]);

    const scope = "filters must contain at least one of: user_id, agent_id, run_id. Example: filters={'user_id': 'u1'}";
    await search(a, { query: 'pizza' }).expect(400, { detail: scope });
    await search(a, { query: 'pizza', filters: { category: 'food' } }).expect(400, { detail: scope });
    const badDate = { user_id: 'sam', created_at: { gte: 'soon' } };
    expect((await search(a, { query: 'pizza', filters: badDate }).expect(400)).body.detail).toMatch(/created_at/);
    const blank = 'Invalid query: cannot be empty or whitespace-only.';
    await search(a, { query: '  ', user_id: 'sam' }).expect(400, { detail: blank });
    const threshold = 'Invalid threshold: 1.5. Must be between 0 and 1 (inclusive).';
    await search(a, { query: 'pizza', user_id: 'sam', threshold: 1.5 }).expect(400, { detail: threshold });
    const topK = 'Invalid top_k: -1. Must be a non-negative integer.';
    await search(a, { query: 'pizza', user_id: 'sam', top_k: -1 }).expect(400, { detail: topK });
  });

  it('updates metadata by merging, sets and clears expiration_date, and refuses empty or bad updates', async () => {
    const body = { user_id: 'ed', infer: false, metadata: { a: 1 }, messages: say('edit me') };
    const [{ id }] = (await add(a, body)).results;
    const put = (change: unknown) => api(a).put(`/memories/${id}`, change);
    const read = async () => (await api(a).get(`/memories/${id}`).expect(200)).body;
    await put({ metadata: { b: 2 }, expiration_date: '2999-01-31' }).expect(200);
    expect(await read()).toMatchObject({ memory: 'edit me', metadata: { a: 1, b: 2 }, expiration_date: '2999-01-31' });
    await put({ expiration_date: null }).expect(200);
    expect(await read()).not.toHaveProperty('expiration_date');
    const empty = 'At least one of text, metadata, or expiration_date must be provided.';
    await put({}).expect(400, { detail: empty });
    await put({ text: null }).expect(400, { detail: empty });
    await put({ text: ' ' }).expect(400, { detail: 'text must not be empty.' });
    const date = 'expiration_date must be a valid date in YYYY-MM-DD format.';
    await put({ expiration_date: '2024-02-30' }).expect(400, { detail: date });
    const typed = (await put({ metadata: 'x' }).expect(422)).body;
    expect(typed.detail).toEqual([
      { type: 'dict_type', loc: ['body', 'metadata'], msg: expect.any(String), input: 'x' },
    ]);
  });

  it('deletes the memories of an id now, and resets the whole project', async () => {
    await add(a, { user_id: 'gone', infer: false, messages: say('to forget') });
    await add(a, { user_id: 'stay', infer: false, messages: say('to keep') });
    await api(a).delete('/memories').expect(400, { detail: 'At least one identifier is required.' });
    await api(a).delete('/memories?user_id=gone').expect(200, { message: 'All relevant memories deleted' });
    expect((await api(a).get('/memories?user_id=gone')).body).toEqual({ results: [] });
    expect(texts((await api(a).get('/memories?user_id=stay')).body)).toEqual(['to keep']);

    const other = await add(b, { user_id: 'stay', infer: false, messages: say('elsewhere') });
    await api(a).post('/oss/reset').expect(200, { message: 'All memories reset' });
    expect((await api(a).get('/memories')).body).toEqual({ results: [] });
    await api(b).get(`/memories/${other.results[0].id}`).expect(200);
  });

  it('refuses bad adds: no id, bad ids, dates and memory types (400); malformed bodies (422)', async () => {
    const messages = say('hello');
    const post = (body: unknown) => api(a).post('/memories', body);
    const noId = { detail: 'At least one identifier (user_id, agent_id, run_id) is required.' };
    await post({ messages }).expect(400, noId);
    await post({ messages, user_id: '' }).expect(400, noId);
    const spaced = 'Invalid user_id: cannot contain whitespace. Provide a valid identifier without spaces.';
    await post({ messages, user_id: 'a b' }).expect(400, { detail: spaced });
    const date = 'expiration_date must be a valid date in YYYY-MM-DD format.';
    await post({ messages, user_id: 'u', expiration_date: '31/12/2030' }).expect(400, { detail: date });
    const type = "Invalid 'memory_type'. Please pass procedural_memory to create procedural memories.";
    await post({ messages, user_id: 'u', memory_type: 'core' }).expect(400, { detail: type });
    await post({ messages: [], user_id: 'u' }).expect(200, { results: [] });

    const problem = async (body: unknown) => (await post(body).expect(422)).body.detail;
    expect(await problem({ user_id: 'u' })).toEqual([
      { type: 'missing', loc: ['body', 'messages'], msg: 'Field required', input: { user_id: 'u' } },
    ]);
    expect(await problem({ messages: 'hello', user_id: 'u' })).toEqual([
      { type: 'list_type', loc: ['body', 'messages'], msg: 'Input should be a valid list', input: 'hello' },
    ]);
    expect(await problem({ messages: [{ role: 'user' }], user_id: 'u' })).toEqual([
      { type: 'missing', loc: ['body', 'messages', 0, 'content'], msg: 'Field required', input: { role: 'user' } },
    ]);
    expect(await problem({ messages: say('a\u0000b'), user_id: 'u' })).toEqual([
      expect.objectContaining({ type: 'value_error', loc: ['body', 'messages', 0, 'content'], input: 'a\u0000b' }),
    ]);
    const json = await request(t.http)
      .post('/memories')
      .set({ 'X-API-Key': a.key, 'Content-Type': 'application/json' })
      .send('{"messages": [')
      .expect(422);
    expect(json.body.detail[0]).toMatchObject({ type: 'json_invalid', loc: ['body', 0] });
  });

  it('answers FastAPI 422s for bad searches and query strings', async () => {
    expect((await search(a, { user_id: 'u' }).expect(422)).body).toEqual({
      detail: [{ type: 'missing', loc: ['body', 'query'], msg: 'Field required', input: { user_id: 'u' } }],
    });
    const query = async (path: string) => (await api(a).get(path).expect(422)).body.detail;
    expect(await query('/memories?user_id=u&top_k=abc')).toEqual([
      expect.objectContaining({ type: 'int_parsing', loc: ['query', 'top_k'], input: 'abc' }),
    ]);
    expect(await query('/memories?user_id=u&top_k=1001')).toEqual([
      expect.objectContaining({ type: 'less_than_equal', loc: ['query', 'top_k'] }),
    ]);
    const filters = (await search(a, { query: 'x', filters: ['user_id'] }).expect(422)).body.detail;
    expect(filters).toEqual([expect.objectContaining({ type: 'dict_type', loc: ['body', 'filters'] })]);
  });

  it("answers 404 for unknown, malformed and another project's memory ids, on every route", async () => {
    const [theirs] = (await add(b, { user_id: 'bob', infer: false, messages: say('private') })).results;
    const notFound = { detail: 'Memory not found' };
    for (const id of [theirs.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      await api(a).get(`/memories/${id}`).expect(404, notFound);
      await api(a).get(`/oss/memories/${id}/history`).expect(404, notFound);
      await api(a).put(`/memories/${id}`, { text: 'x' }).expect(404, notFound);
      await api(a).delete(`/memories/${id}`).expect(404, notFound);
    }
    expect((await api(b).get(`/memories/${theirs.id}`).expect(200)).body.memory).toBe('private');
    const searched = await search(a, { query: 'private', user_id: 'bob', threshold: 0 }).expect(200);
    expect(searched.body).toEqual({ results: [] });
  });

  it('accepts Token, Bearer and X-API-Key; refuses writes to READER keys and keyless calls', async () => {
    const body = { user_id: 'auth', infer: false, messages: say('by bearer') };
    await request(t.http).post('/oss/memories').set('Authorization', `Bearer ${a.key}`).send(body).expect(200);
    const token = { Authorization: `Token ${a.key}` };
    const [{ id }] = (await request(t.http).get('/memories?user_id=auth').set(token).expect(200)).body.results;
    const denied = { detail: 'You do not have permission to perform this action.' };
    await api(reader).post('/memories', body).expect(403, denied);
    await api(reader).put(`/memories/${id}`, { text: 'x' }).expect(403, denied);
    await api(reader).delete(`/memories/${id}`).expect(403, denied);
    await api(reader).delete('/memories?user_id=auth').expect(403, denied);
    await api(reader).post('/reset').expect(403, denied);
    await api(reader).post('/configure', { version: 'v1.1' }).expect(403, denied);
    await search(reader, { query: 'bearer', user_id: 'auth' }).expect(200);
    await api(reader).get(`/memories/${id}`).expect(200);

    const keyless = { detail: 'Authentication credentials were not provided.' };
    await api().get('/memories?user_id=auth').expect(401, keyless);
    await api().post('/oss/search', { query: 'x', user_id: 'auth' }).expect(401, keyless);
  });

  it('stores /configure per project, merged, validated and redacted; reports the real providers by default', async () => {
    const defaults = (await api(a).get('/configure').expect(200)).body;
    expect(defaults).toEqual({
      version: 'v1.1',
      vector_store: { provider: 'pgvector', config: { embedding_model_dims: expect.any(Number) } },
      llm: { provider: 'offline', config: {} },
      embedder: { provider: 'offline', config: { model: expect.any(String), embedding_dims: expect.any(Number) } },
    });
    const runnable = { llm: ['openai', 'offline'], embedder: ['openai', 'offline'] };
    await api(a).get('/oss/configure/providers').expect(200, runnable);

    const configure = (body: unknown) => api(a).post('/configure', body);
    const llm = {
      provider: 'anthropic',
      config: { model: 'claude-sonnet-4', api_key: 'sk-ant-secret', temperature: 0.1 },
    };
    const store = { provider: 'qdrant', config: { host: 'qdrant', password: '', nested: [{ token: 'abc' }] } };
    const prompt = 'Only remember food preferences.';
    await configure({ llm, vector_store: store, custom_fact_extraction_prompt: prompt }).expect(200, {
      message: 'Configuration set successfully',
    });
    await configure({ llm: { config: { temperature: 0.3 } } }).expect(200);
    const read = (await api(a).get('/configure').expect(200)).body;
    expect(read).toMatchObject({
      llm: { provider: 'anthropic', config: { model: 'claude-sonnet-4', api_key: '[redacted]', temperature: 0.3 } },
      vector_store: { provider: 'qdrant', config: { host: 'qdrant', password: '', nested: [{ token: '[redacted]' }] } },
      custom_fact_extraction_prompt: prompt,
    });
    expect(JSON.stringify(read)).not.toContain('sk-ant-secret');
    const stored = await t.prisma.project.findUnique({ where: { id: a.projectId } });
    expect(stored?.ossConfig).toMatchObject({ llm: { config: { api_key: 'sk-ant-secret', temperature: 0.3 } } });
    expect((await api(b).get('/configure').expect(200)).body).toEqual(defaults);

    const unsupported = (await configure({ llm: { provider: 'skynet' } }).expect(400)).body.detail;
    expect(unsupported).toMatch(/^Unsupported LLM provider: skynet\. Supported providers: openai, ollama, anthropic,/);
    await configure({ embedder: { provider: 'word2vec' } }).expect(400);
    expect((await configure({ graph: {} }).expect(422)).body.detail).toEqual([
      { type: 'extra_forbidden', loc: ['body', 'graph'], msg: 'Extra inputs are not permitted', input: {} },
    ]);
    await configure({ llm: null }).expect(422);
    expect((await configure([1]).expect(422)).body.detail[0]).toMatchObject({ loc: ['body'] });
    expect((await configure({ llm: { provider: 5 } }).expect(422)).body.detail).toEqual([
      expect.objectContaining({ type: 'string_type', loc: ['body', 'llm', 'provider'] }),
    ]);
  });

  it('generates extraction instructions from a use case with a fixed template', async () => {
    const made = await api(reader).post('/generate-instructions', { use_case: 'a  cooking assistant' }).expect(200);
    expect(made.body).toEqual({
      custom_instructions: expect.stringContaining('use case: a cooking assistant.'),
      test_message: expect.any(String),
    });
    const blank = { detail: 'use_case must not be blank.' };
    await api(a).post('/generate-instructions', { use_case: '  ' }).expect(400, blank);
    const missing = (await api(a).post('/generate-instructions', {}).expect(422)).body.detail;
    expect(missing).toEqual([expect.objectContaining({ type: 'missing', loc: ['body', 'use_case'] })]);
  });
});

describe('mem0 OSS REST server without credentials (COMPAT_ANONYMOUS_ACCESS)', () => {
  const projectId = '5f0c6a2e-1d7b-4c3e-9a8f-2b6d4e8c1a07';
  let t: TestApp;

  beforeAll(async () => {
    const env = { COMPAT_ANONYMOUS_ACCESS: 'true', COMPAT_DEFAULT_PROJECT_ID: projectId };
    t = await createTestApp({ worker: true, env });
    // The configured project must exist with an owner: made here with the id the configuration names.
    const owner = await t.newTenant('anonymous-owner');
    await t.prisma.project.create({ data: { id: projectId, orgId: owner.orgId, name: 'compat default' } });
    await t.app.get(AdminService).addToProject(owner.email, projectId, Role.OWNER);
  });
  afterAll(() => t.close());

  it('runs keyless calls in the configured project, as the curl examples do', async () => {
    const added = await client(t).post('/memories', {
      messages: say('I love fresh vegetable pizza.'),
      user_id: 'alice',
    });
    expect(added.status).toBe(200);
    expect(added.body.results).toEqual([
      expect.objectContaining({ event: 'ADD', memory: expect.stringMatching(/pizza/i) }),
    ]);
    const found = await client(t).post('/oss/search', { query: 'vegetable', user_id: 'alice' }).expect(200);
    expect(found.body.results.map((m: { id: string }) => m.id)).toEqual([added.body.results[0].id]);
    const rows = await t.prisma.memory.findMany({ where: { projectId } });
    expect(rows.map((row) => row.id)).toEqual([added.body.results[0].id]);
  });
});

describe('mem0 OSS REST server with an OpenAI-compatible model', () => {
  let fake: Awaited<ReturnType<typeof startFakeOpenAi>>;
  let t: TestApp;
  let tenant: Tenant;

  beforeAll(async () => {
    fake = await startFakeOpenAi({ embeddingSize: 64 });
    const env = { LLM_PROVIDER: 'openai', EMBEDDER_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test' };
    const model = { OPENAI_BASE_URL: fake.baseURL, OPENAI_LLM_MODEL: 'gpt-test', OPENAI_EMBEDDING_DIMENSIONS: '64' };
    t = await createTestApp({ worker: true, env: { ...env, ...model } });
    tenant = await t.newTenant('oss-openai');
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  /** The system prompts of the extraction calls that began with one of this test's custom prompts. */
  const customPrompts = () =>
    fake.requests
      .filter((r) => r.path.endsWith('/chat/completions'))
      .map((r) => (r.body as { messages: { content: string }[] }).messages[0].content)
      .filter((content) => /^(Only remember|Remember only)/.test(content));

  it('describes its providers, and extracts with the configured prompt or the one sent with the add', async () => {
    const api = client(t, tenant);
    const config = (await api.get('/configure').expect(200)).body;
    expect(JSON.stringify(config)).not.toContain(fake.baseURL);
    expect(config).toMatchObject({
      llm: { provider: 'openai', config: { model: 'gpt-test', api_key: '[redacted]' } },
      embedder: { provider: 'openai', config: { embedding_dims: 64, api_key: '[redacted]' } },
    });
    await api.post('/configure', { custom_fact_extraction_prompt: 'Only remember food preferences.' }).expect(200);
    const added = await api.post('/memories', { messages: say('I love sushi.'), user_id: 'kai' }).expect(200);
    expect(added.body).toEqual({
      results: [{ id: expect.stringMatching(UUID), memory: 'I love sushi.', event: 'ADD' }],
    });
    expect(customPrompts()).toEqual([expect.stringMatching(/^Only remember food preferences\./)]);
    fake.reset();
    const prompt = 'Remember only sports.';
    await api.post('/memories', { messages: say('I love sushi.'), user_id: 'kai', prompt }).expect(200);
    expect(customPrompts()).toEqual([expect.stringMatching(/^Remember only sports\./)]);
  });
});
