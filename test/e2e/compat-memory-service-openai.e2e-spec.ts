import { chatKind, defaultChatReply, newMessages, startFakeOpenAi } from '../utils/fake-openai';
import { caller, day, OssItem, ossItem, ZERO_USAGE } from '../utils/memory-service';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

describe('Memory Service surface (OpenAI-compatible model, keyless access to the default project)', () => {
  const DEFAULT_PROJECT = '5e7a1c3d-2b4f-4e6a-9c8d-0000000000a2';
  const TASK_PROMPT =
    '从以下对话中列出agent实际完成的工作任务(最终成果),每行一条,格式:[类型] 描述。类型:开发/修复/文档/配置/分析/部署/其他。只写最终成果,不超过5条。';
  const DECISION_PROMPT = '从以下对话中提取重要技术决策及原因,每条一行,格式:[决策] 原因。';
  let fake: Awaited<ReturnType<typeof startFakeOpenAi>>;
  let t: TestApp;
  let owner: Tenant;
  /** The facts the model extracts next; extraction and update decisions report the usage below. */
  let facts: { text: string; source: string }[] = [];
  const http = caller(() => t);

  beforeAll(async () => {
    fake = await startFakeOpenAi({
      chat: (body) => {
        const kind = chatKind(body);
        if (kind === 'extraction') {
          return { content: JSON.stringify({ facts }), usage: { prompt_tokens: 1200, completion_tokens: 300 } };
        }
        const usage = kind === 'update' ? { prompt_tokens: 800, completion_tokens: 50 } : undefined;
        return { content: defaultChatReply(body), usage };
      },
      embeddingSize: 64,
    });
    t = await createTestApp({
      worker: true,
      env: {
        ...{ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.baseURL },
        ...{ LLM_PROVIDER: 'auto', EMBEDDER_PROVIDER: 'auto' },
        ...{ OPENAI_EMBEDDING_MODEL: 'text-embedding-3-small', OPENAI_EMBEDDING_DIMENSIONS: '64' },
        ...{ COMPAT_ANONYMOUS_ACCESS: 'true', COMPAT_DEFAULT_PROJECT_ID: DEFAULT_PROJECT },
      },
    });
    owner = await t.newTenant('memsvc-default');
    // The deployment's default project: keyless requests run in it as its org's owner.
    await t.prisma.project.create({ data: { id: DEFAULT_PROJECT, orgId: owner.orgId, name: 'memory-service' } });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  /** The extraction requests the model received since the last reset. */
  const extractions = () => fake.chatBodies().filter((body) => chatKind(body) === 'extraction');
  const system = (body: { messages: { role: string; content: string }[] }) =>
    body.messages.find((message) => message.role === 'system')?.content ?? '';

  it("replays the task extraction example keyless: the custom prompt drives the model, usage is the model's", async () => {
    facts = [
      { text: '[开发] 实现了登录接口', source: 'assistant' },
      { text: '[修复] 修复了分页错误', source: 'assistant' },
    ];
    const scope = { user_id: 'boss', agent_id: 'dev', run_id: '2026-04-11' };
    const body = { ...scope, text: '<session block content>', infer: true, metadata: { category: 'task' } };
    const json = { 'Content-Type': 'application/json' };
    const response = await http('post', '/memory/add', { ...body, custom_extraction_prompt: TASK_PROMPT }, json);
    expect([response.status, response.body]).toEqual([
      200,
      {
        results: facts.map((fact) => ({ id: expect.any(String), memory: fact.text, event: 'ADD' })),
        token_usage: { llm_calls: 1, input_tokens: 1200, output_tokens: 300, total_tokens: 1500 },
      },
    ]);
    const [extraction] = extractions();
    expect(system(extraction).startsWith(TASK_PROMPT)).toBe(true);
    expect(system(extraction)).not.toContain("Today's date is");
    expect(newMessages(extraction)).toEqual([{ role: 'user', content: '<session block content>' }]);
    const id = response.body.results[0].id;
    expect((await http('get', `/memory/${id}`).expect(200)).body).toEqual(
      ossItem({ id, memory: facts[0].text, metadata: { category: 'task' }, ...scope }),
    );
  });

  it('replays the technical decisions example: one extraction plus an update decision per fact, usage summed', async () => {
    const seed = { user_id: 'boss', agent_id: 'dev', text: '[决策] 使用 PostgreSQL:需要事务', infer: false };
    expect((await http('post', '/memory-service/memory/add', seed).expect(200)).body.token_usage).toEqual(ZERO_USAGE);
    facts = [
      { text: '[决策] 使用 Redis 队列:任务需要重试', source: 'user' },
      { text: '[决策] 放弃 GraphQL:客户端只需要 REST', source: 'user' },
    ];
    const body = { user_id: 'boss', agent_id: 'dev', text: '<session block>', metadata: { category: 'decision' } };
    const response = await http('post', '/memory/add', { ...body, custom_extraction_prompt: DECISION_PROMPT });
    expect([response.status, response.body]).toEqual([
      200,
      {
        results: facts.map((fact) => ({ id: expect.any(String), memory: fact.text, event: 'ADD' })),
        token_usage: { llm_calls: 3, input_tokens: 1200 + 2 * 800, output_tokens: 300 + 2 * 50, total_tokens: 3200 },
      },
    ]);
    expect(system(extractions()[0]).startsWith(DECISION_PROMPT)).toBe(true);
    expect(fake.chatBodies().filter((chat) => chatKind(chat) === 'update')).toHaveLength(2);
  });

  it('uses the default extraction prompt when none is given (the custom prompt is per call) and maps roles', async () => {
    facts = [{ text: 'Uses neovim', source: 'user' }];
    const messages = [
      { role: 'human', content: 'I use neovim' },
      { role: 'assistant', content: 'Noted' },
    ];
    const response = await http('post', '/memory/add', { user_id: 'boss', messages }).expect(200);
    expect(response.body.results).toEqual([{ id: expect.any(String), memory: 'Uses neovim', event: 'ADD' }]);
    const [extraction] = extractions();
    expect(system(extraction)).toContain("Today's date is");
    expect(system(extraction)).not.toContain(DECISION_PROMPT);
    expect(newMessages(extraction).map((message) => message.role)).toEqual(['user', 'assistant']);
  });

  it('runs keyless requests in the configured project only; keys keep their own project, bad keys are refused', async () => {
    const keyless = await http('get', '/memory/list?user_id=boss&agent_id=dev').expect(200);
    expect(keyless.body.results.map((item: OssItem) => item.memory).sort()).toEqual(
      [
        ...['[开发] 实现了登录接口', '[修复] 修复了分页错误', '[决策] 使用 PostgreSQL:需要事务'],
        ...['[决策] 使用 Redis 队列:任务需要重试', '[决策] 放弃 GraphQL:客户端只需要 REST'],
      ].sort(),
    );
    const body = { query: '决策', user_id: 'boss', agent_id: 'dev', top_k: 5, recent_days: 3 };
    const combined: OssItem[] = (await http('post', '/memory/search_combined', body).expect(200)).body.results;
    const decisions = combined.filter((item) => item.memory.startsWith('[决策]'));
    expect(decisions.map((item) => item.source)).toEqual(['long_term', 'long_term', 'long_term']);
    // The task memories' run (2026-04-11) is short-term only while it is one of the last three days.
    const recent = [day(0), day(1), day(2)].includes('2026-04-11');
    expect(combined.length).toBe(recent ? 5 : 3);
    const own = await http('get', '/memory/list?user_id=boss', undefined, { Authorization: `Token ${owner.key}` });
    expect([own.status, own.body]).toEqual([200, { results: [] }]);
    const bad = await http('get', '/memory/list?user_id=boss', undefined, { Authorization: 'Token m0-not-a-key' });
    expect([bad.status, bad.body]).toEqual([401, { detail: expect.any(String) }]);
    // Keyless access is the self-hosted servers' only: the platform's routes still need a key.
    await http('get', '/v1/memories/?user_id=boss').expect(401);
  });
});
