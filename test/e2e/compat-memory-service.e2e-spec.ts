import request from 'supertest';
import { Role } from '@app/core';
import { caller, day, Method, OssItem, ossItem, ZERO_USAGE } from '../utils/memory-service';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

type Headers = Record<string, string>;

const NOT_FOUND = { detail: 'Memory not found' };
const UNSTORABLE = 'Value error, text must not contain NUL characters or unpaired surrogates';
const problem = (type: string, loc: unknown[], msg: string, input: unknown) => ({ type, loc, msg, input });
const idsOf = (items: OssItem[]) => items.map((item) => item.id);

describe('Memory Service surface (offline providers)', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let reader: Tenant;
  const token = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });
  const bearer = (tenant: Tenant) => ({ Authorization: `Bearer ${tenant.key}` });
  const apiKey = (tenant: Tenant) => ({ 'X-API-Key': tenant.key });
  const http = caller(() => t);
  const call = (method: Method, path: string, body?: object, headers: Headers = token(a)) =>
    http(method, path, body, headers);
  const ids = { lesson: '', shortTerm: '', messages: [] as string[] };
  const me = { user_id: 'me', agent_id: 'dev' };

  beforeAll(async () => {
    t = await createTestApp({ worker: true });
    a = await t.newTenant('memsvc');
    b = await t.newTenant('memsvc-other');
    reader = await t.newMember(a.projectId, Role.READER, 'memsvc-reader');
  });
  afterAll(() => t.close());

  async function add(body: object, headers: Headers = token(a), prefix = '') {
    return (await call('post', `${prefix}/memory/add`, body, headers).expect(200)).body as {
      results: { id: string; memory: string; event: string; previous_memory?: string }[];
      token_usage: Record<string, number>;
    };
  }
  const get = async (id: string) => (await call('get', `/memory/${id}`).expect(200)).body as OssItem;
  const search = async (path: string, body: object) => (await call('post', path, body).expect(200)).body.results;

  it('answers GET /health at the root and under /memory-service, without a key', async () => {
    for (const path of ['/health', '/memory-service/health']) {
      expect((await http('get', path).expect(200)).body).toEqual({ status: 'ok', service: 'mem0-memory-service' });
    }
  });

  it('replays the three add examples (long-term text, short-term run_id, messages) with each key header', async () => {
    const text = 'I learned an important lesson: always run the migrations before deploying';
    const lesson = await add({ ...me, text });
    const memory = 'Learned an important lesson: always run the migrations before deploying';
    expect(lesson).toEqual({ results: [{ id: expect.any(String), memory, event: 'ADD' }], token_usage: ZERO_USAGE });
    ids.lesson = lesson.results[0].id;
    expect(await get(ids.lesson)).toEqual(ossItem({ id: ids.lesson, memory, ...me }));
    const shortTerm = await add(
      { ...me, run_id: '2026-03-23', text: 'Today I fixed the flaky payment tests' },
      apiKey(a),
    );
    expect(shortTerm).toEqual({
      results: [{ id: expect.any(String), memory: expect.stringMatching(/payment tests/), event: 'ADD' }],
      token_usage: ZERO_USAGE,
    });
    ids.shortTerm = shortTerm.results[0].id;
    expect(await get(ids.shortTerm)).toMatchObject({ ...me, run_id: '2026-03-23' });
    const messages = [
      { role: 'user', content: 'I prefer tabs over spaces' },
      { role: 'assistant', content: 'Noted, I will use tabs in your projects' },
    ];
    const fromMessages = await add({ ...me, messages }, bearer(a));
    expect(fromMessages.token_usage).toEqual(ZERO_USAGE);
    expect(fromMessages.results.map((item) => item.event)).toEqual(fromMessages.results.map(() => 'ADD'));
    expect(fromMessages.results.map((item) => item.memory)).toContain('Prefers tabs over spaces');
    ids.messages = fromMessages.results.map((item) => item.id);
    // Every fact keeps every id of the call (the service's behaviour), the assistant's included.
    for (const id of ids.messages) {
      expect(await get(id)).toMatchObject(me);
    }
  });

  it('stores text verbatim with infer=false, keeps metadata, prefers messages to text, reports UPDATEs', async () => {
    const text = 'Deploy window: Friday 18:00 UTC';
    const verbatim = await add({ user_id: 'me', text, infer: false, metadata: { kind: 'ops' } });
    expect(verbatim).toEqual({
      results: [{ id: expect.any(String), memory: text, event: 'ADD' }],
      token_usage: ZERO_USAGE,
    });
    const id = verbatim.results[0].id;
    expect(await get(id)).toEqual(ossItem({ id, memory: text, metadata: { kind: 'ops' }, user_id: 'me' }));
    const rome = [{ role: 'user', content: 'I live in Rome' }];
    const both = await add({ user_id: 'both', text: 'I love hiking', messages: rome });
    expect(both.results.map((item) => item.memory)).toEqual(['Lives in Rome']);
    const paris = await add({ user_id: 'mover', text: 'I live in Paris' });
    expect(paris.results).toEqual([{ id: expect.any(String), memory: 'Lives in Paris', event: 'ADD' }]);
    const berlin = await add({ user_id: 'mover', text: 'I live in Berlin' });
    expect(berlin.results).toEqual([
      { id: paris.results[0].id, memory: 'Lives in Berlin', event: 'UPDATE', previous_memory: 'Lives in Paris' },
    ]);
  });

  it('replays the search example: best first, scores in [0, 1], scoped to user_id + agent_id (+ run_id)', async () => {
    await add({ user_id: 'someone-else', agent_id: 'dev', text: 'I always run the migrations before deploying' });
    const query = 'run the migrations before deploying';
    const results: OssItem[] = await search('/memory/search', { ...me, query, top_k: 5 });
    const memory = (await get(ids.lesson)).memory;
    expect(results[0]).toEqual(ossItem({ id: ids.lesson, memory, score: expect.any(Number), ...me }));
    expect(idsOf(results).sort()).toEqual([ids.lesson, ids.shortTerm, ...ids.messages].sort());
    const scores = results.map((item) => item.score!);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(scores.every((score) => score >= 0 && score <= 1)).toBe(true);
    const byRun = await search('/memory/search', { ...me, query: 'tests', run_id: '2026-03-23' });
    expect(byRun).toEqual([expect.objectContaining({ id: ids.shortTerm, run_id: '2026-03-23' })]);
    expect(await search('/memory/search', { query: 'deploying', user_id: 'me', top_k: 1 })).toHaveLength(1);
    const strict = await search('/memory/search', { ...me, query, min_score: scores[0] });
    expect(idsOf(strict)).toEqual([ids.lesson]);
  });

  it('replays the combined search: long-term plus the last recent_days of short-term, merged and de-duplicated', async () => {
    const store = async (text: string, extra: object = {}) =>
      (await add({ user_id: 'combo', agent_id: 'dev', text, infer: false, ...extra })).results[0].id;
    const alps = await store('Prefers hiking in the Alps');
    const lake = await store('Went hiking near the lake', { run_id: day(0) });
    const hill = await store('Went hiking up the hill', { run_id: day(2) });
    const glacier = await store('Went hiking on the glacier', { run_id: day(10) });
    const bootsLong = await store('Hiking boots are in the car');
    const bootsShort = await store('Hiking boots are in the car', { run_id: day(1) });
    await store('Went hiking during the sprint', { run_id: 'sprint-7' });
    await add({ user_id: 'combo', agent_id: 'ops', text: 'Planned a hiking trip', infer: false });
    const combined = (body: object): Promise<OssItem[]> =>
      search('/memory/search_combined', { query: 'hiking', user_id: 'combo', agent_id: 'dev', ...body });
    const results = await combined({ top_k: 5, recent_days: 3 });
    const boots = results.filter((item) => item.memory === 'Hiking boots are in the car');
    expect(boots).toHaveLength(1);
    expect([bootsLong, bootsShort]).toContain(boots[0].id);
    expect(Object.fromEntries(results.map((item) => [item.id, item.source]))).toEqual({
      [alps]: 'long_term',
      [lake]: 'short_term',
      [hill]: 'short_term',
      [boots[0].id]: boots[0].id === bootsLong ? 'long_term' : 'short_term',
    });
    expect(results.find((item) => item.id === lake)).toEqual(
      ossItem({
        ...{ id: lake, memory: 'Went hiking near the lake', score: expect.any(Number) },
        ...{ user_id: 'combo', agent_id: 'dev', run_id: day(0), source: 'short_term' },
      }),
    );
    const scores = results.map((item) => item.score!);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(idsOf(await combined({})).sort()).toEqual(idsOf(results).sort());
    const wider = await combined({ recent_days: 11 });
    expect(wider.find((item) => item.id === glacier)).toMatchObject({ source: 'short_term', run_id: day(10) });
    const topOne = await combined({ top_k: 1 });
    expect(topOne.map((item) => item.source).sort()).toEqual(['long_term', 'short_term']);
  });

  it('replays the list examples: a user (+ agent), and one run date, newest first', async () => {
    const listed: OssItem[] = (await call('get', '/memory/list?user_id=me&agent_id=dev').expect(200)).body.results;
    expect(idsOf(listed).sort()).toEqual([ids.lesson, ids.shortTerm, ...ids.messages].sort());
    const created = listed.map((item) => item.created_at as string);
    expect(created).toEqual([...created].sort().reverse());
    expect(listed.find((item) => item.id === ids.lesson)).toEqual(
      ossItem({ id: ids.lesson, memory: expect.stringMatching(/migrations/), ...me }),
    );
    const run = await call('get', '/memory/list?user_id=me&agent_id=dev&run_id=2026-03-23').expect(200);
    expect(idsOf(run.body.results)).toEqual([ids.shortTerm]);
    expect((await call('get', '/memory/list?user_id=me&limit=1').expect(200)).body.results).toHaveLength(1);
    const other = await call('get', '/memory/list?user_id=me', undefined, token(b)).expect(200);
    expect(other.body).toEqual({ results: [] });
  });

  it('replays get / update / delete and the history of the memory', async () => {
    const { results } = await add({ user_id: 'cycle', text: 'I drink green tea every morning' });
    const [{ id, memory: first }] = results;
    const before = await get(id);
    const text = 'Drinks black coffee every morning';
    const updated = await call('put', '/memory/update', { memory_id: id, text }).expect(200);
    expect(updated.body).toEqual({
      ...ossItem({ id, memory: text, user_id: 'cycle', created_at: before.created_at }),
      message: 'Memory updated successfully!',
    });
    expect(await get(id)).toMatchObject({ memory: text });
    const deleted = await call('delete', `/memory/${id}`).expect(200);
    expect(deleted.body).toEqual({ message: 'Memory deleted successfully', id });
    expect((await call('get', `/memory/${id}`).expect(404)).body).toEqual(NOT_FOUND);
    const entry = (event: string, old_memory: string | null, new_memory: string | null) => ({
      ...{ id: expect.any(String), memory_id: id, old_memory, new_memory, event },
      ...{ created_at: expect.any(String), updated_at: expect.any(String) },
      ...{ is_deleted: event === 'DELETE', actor_id: null, role: null },
    });
    expect((await call('get', `/memory/history/${id}`).expect(200)).body).toEqual([
      entry('ADD', null, first),
      entry('UPDATE', first, text),
      entry('DELETE', text, null),
    ]);
  });

  it("answers 404 {detail: 'Memory not found'} for unknown, malformed and other projects' ids", async () => {
    const expectNotFound = async (tenant: Tenant, id: string) => {
      for (const [method, path] of [
        ['get', `/memory/${id}`],
        ['get', `/memory/history/${id}`],
        ['delete', `/memory/${id}`],
      ] as const) {
        expect((await call(method, path, undefined, token(tenant)).expect(404)).body).toEqual(NOT_FOUND);
      }
      const update = await call('put', '/memory/update', { memory_id: id, text: 'hijacked' }, token(tenant));
      expect([update.status, update.body]).toEqual([404, NOT_FOUND]);
    };
    await expectNotFound(a, '6f1c4f2e-3b7a-4e7e-9a55-000000000000');
    await expectNotFound(a, 'not-a-uuid');
    // Tenant isolation: project b can neither read, change, forget nor trace project a's memory, nor find it.
    await expectNotFound(b, ids.lesson);
    const foreign = await call('post', '/memory/search', { query: 'migrations', user_id: 'me' }, token(b)).expect(200);
    expect(foreign.body).toEqual({ results: [] });
    expect(await get(ids.lesson)).toMatchObject({ memory: expect.stringMatching(/migrations/) });
  });

  it('refuses bad input with FastAPI 422 problems', async () => {
    const refused = async (method: Method, path: string, body?: object) =>
      (await call(method, path, body).expect(422)).body.detail;
    // A 422 (not a 404 from /memory/{id}): /memory/list is its own route.
    const list = [problem('missing', ['query', 'user_id'], 'Field required', expect.anything())];
    expect(await refused('get', '/memory/list')).toEqual(list);
    expect(await refused('post', '/memory/add', { text: 'I like tea' })).toEqual([
      problem('missing', ['body', 'user_id'], 'Field required', expect.objectContaining({ text: 'I like tea' })),
    ]);
    for (const body of [{ user_id: 'me' }, { user_id: 'me', text: '', messages: [] }]) {
      const msg = 'Value error, Either text or messages is required';
      expect(await refused('post', '/memory/add', body)).toEqual([
        problem('value_error', ['body'], msg, expect.objectContaining(body)),
      ]);
    }
    expect(await refused('post', '/memory/add', { user_id: 'me', messages: [{ role: 'user' }] })).toEqual([
      problem('missing', ['body', 'messages', 0, 'content'], 'Field required', { role: 'user' }),
    ]);
    expect(await refused('post', '/memory/search', { query: 'q', user_id: 'me', top_k: 'five' })).toEqual([
      problem('int_type', ['body', 'top_k'], 'Input should be a valid integer', 'five'),
    ]);
    expect(await refused('post', '/memory/search', { query: 'q', user_id: 'me', min_score: 1.5 })).toEqual([
      problem('less_than_equal', ['body', 'min_score'], 'Input should be less than or equal to 1', 1.5),
    ]);
    expect(await refused('post', '/memory/search', { query: 'q' })).toEqual([
      expect.objectContaining({ type: 'missing', loc: ['body', 'user_id'] }),
    ]);
    const combined = await refused('post', '/memory/search_combined', { query: 'q', user_id: '', recent_days: 0 });
    expect(combined.map((item: { loc: unknown[] }) => item.loc)).toEqual([
      ['body', 'user_id'],
      ['body', 'recent_days'],
    ]);
    expect(await refused('put', '/memory/update', { memory_id: ids.lesson, text: '  ' })).toEqual([
      problem('value_error', ['body', 'text'], 'Value error, text must not be blank', '  '),
    ]);
    expect(await refused('get', '/memory/list?user_id=me&limit=lots')).toEqual([
      expect.objectContaining({ type: 'int_parsing', loc: ['query', 'limit'] }),
    ]);
    const json = await request(t.http)
      .post('/memory/add')
      .set({ ...token(a), 'Content-Type': 'application/json' })
      .send('{"user_id": "me",')
      .expect(422);
    expect(json.body.detail).toEqual([problem('json_invalid', ['body', 0], 'JSON decode error', {})]);
  });

  it('refuses text the database cannot store (NUL, unpaired surrogates) with a 422 on the field, never a 500', async () => {
    const cases: [Method, string, object, unknown[]][] = [
      ['post', '/memory/add', { user_id: 'me', text: 'I love \u0000 hiking' }, ['text']],
      ['post', '/memory/add', { ...me, text: 'x', metadata: { tags: ['ok', 'bad\ud800'] } }, ['metadata', 'tags', 1]],
      ['post', '/memory/add', { ...me, messages: [{ role: 'user', content: 'a\u0000' }] }, ['messages', 0, 'content']],
      ['post', '/memory/search', { query: 'a\u0000', user_id: 'me' }, ['query']],
      ['post', '/memory/search_combined', { query: 'q', user_id: 'm\u0000e' }, ['user_id']],
      ['put', '/memory/update', { memory_id: ids.lesson, text: 'a\u0000' }, ['text']],
    ];
    for (const [method, path, body, loc] of cases) {
      const response = await call(method, path, body).expect(422);
      const detail = [problem('value_error', ['body', ...loc], UNSTORABLE, expect.any(String))];
      expect(response.body).toEqual({ detail });
    }
    const list = await call('get', '/memory/list?user_id=a%00b').expect(422);
    expect(list.body.detail).toEqual([problem('value_error', ['query', 'user_id'], UNSTORABLE, 'a\u0000b')]);
    const long = await call('post', '/memory/add', { user_id: 'x'.repeat(256), text: 'x' }).expect(422);
    expect(long.body.detail).toEqual([expect.objectContaining({ type: 'string_too_long', loc: ['body', 'user_id'] })]);
  });

  it('requires a key by default (401) and an owner key to write (READER 403), reads allowed to readers', async () => {
    expect((await http('get', '/memory/list?user_id=me').expect(401)).body).toEqual({ detail: expect.any(String) });
    await http('post', '/memory-service/memory/add', { user_id: 'me', text: 'x' }).expect(401);
    const tea = { user_id: 'me', text: 'I like tea' };
    const forbidden = await call('post', '/memory/add', tea, token(reader)).expect(403);
    expect(forbidden.body).toEqual({ detail: 'You do not have permission to perform this action.' });
    await call('delete', `/memory/${ids.lesson}`, undefined, token(reader)).expect(403);
    await call('put', '/memory/update', { memory_id: ids.lesson, text: 'x' }, token(reader)).expect(403);
    const read = await call('get', '/memory/list?user_id=me&agent_id=dev', undefined, token(reader)).expect(200);
    expect(read.body.results).toHaveLength(2 + ids.messages.length);
    await call('post', '/memory/search', { query: 'tea', user_id: 'me' }, token(reader)).expect(200);
  });

  it('serves every route under /memory-service too, and with X-Mem0-Surface', async () => {
    const key = apiKey(a);
    const added = await add({ user_id: 'prefixed', text: 'I love hiking on weekends' }, key, '/memory-service');
    expect(added.results).toEqual([{ id: expect.any(String), memory: 'Loves hiking on weekends', event: 'ADD' }]);
    const id = added.results[0].id;
    const base = '/memory-service/memory';
    const one = await call('get', `${base}/${id}`, undefined, key).expect(200);
    expect(one.body).toMatchObject({ id, user_id: 'prefixed' });
    const list = await call('get', `${base}/list?user_id=prefixed`, undefined, key).expect(200);
    expect(idsOf(list.body.results)).toEqual([id]);
    const found = await call('post', `${base}/search`, { query: 'hiking', user_id: 'prefixed' }, key).expect(200);
    expect(found.body.results).toEqual([expect.objectContaining({ id, score: expect.any(Number) })]);
    const combined = await call('post', `${base}/search_combined`, { query: 'hiking', user_id: 'prefixed' }, key);
    expect(combined.body.results).toEqual([expect.objectContaining({ id, source: 'long_term' })]);
    const surface = { ...key, 'X-Mem0-Surface': 'memory-service' };
    expect(idsOf((await call('get', '/memory/list?user_id=prefixed', undefined, surface)).body.results)).toEqual([id]);
    await call('put', `${base}/update`, { memory_id: id, text: 'Loves hiking on Sundays' }, key).expect(200);
    const history = await call('get', `${base}/history/${id}`, undefined, key).expect(200);
    expect(history.body.map((entry: { event: string }) => entry.event)).toEqual(['ADD', 'UPDATE']);
    expect((await call('get', `${base}/not-a-uuid`, undefined, key).expect(404)).body).toEqual(NOT_FOUND);
    const deleted = await call('delete', `${base}/${id}`, undefined, key).expect(200);
    expect(deleted.body).toEqual({ message: 'Memory deleted successfully', id });
    const missing = await call('post', `${base}/add`, { user_id: 'prefixed' }, key).expect(422);
    expect(missing.body.detail).toEqual([expect.objectContaining({ type: 'value_error', loc: ['body'] })]);
  });
});
