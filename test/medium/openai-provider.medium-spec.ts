import {
  DEFAULT_CATEGORIES,
  OpenAiEmbedder,
  OpenAiEmbedderOptions,
  OpenAiLlmOptions,
  OpenAiLlmProvider,
} from '@app/ai';
import {
  chatKind,
  defaultChatReply,
  FakeChatBody,
  FakeChatReply,
  FakeEmbeddingsBody,
  FakeOpenAi,
  newMessages,
  startFakeOpenAi,
} from '../utils/fake-openai';

describe('OpenAI provider against a fake OpenAI server', () => {
  let fake: FakeOpenAi;
  let replies: Array<FakeChatReply | ((body: FakeChatBody) => FakeChatReply | Promise<FakeChatReply>)>;

  beforeAll(async () => {
    fake = await startFakeOpenAi({
      chat: (body) => {
        const next = replies.shift() ?? defaultChatReply;
        return typeof next === 'function' ? next(body) : next;
      },
      embeddingSize: 8,
    });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    replies = [];
  });

  const base = () => ({ apiKey: 'sk-test-key', baseURL: fake.baseURL, timeoutMs: 5000, maxRetries: 0 });
  const llm = (options: Partial<OpenAiLlmOptions> = {}) =>
    new OpenAiLlmProvider({ ...base(), model: 'gpt-test', ...options });
  const embedder = (model: string, dimensions: number, options: Partial<OpenAiEmbedderOptions> = {}) =>
    new OpenAiEmbedder({ ...base(), model, dimensions, ...options });
  const chatBodies = () => fake.requestsTo('/v1/chat/completions').map((request) => request.body as FakeChatBody);

  describe('fact extraction', () => {
    it('sends a JSON-mode request with the instructions and the new turns, and parses facts with sources', async () => {
      replies.push({
        content: JSON.stringify({
          facts: [
            { text: 'Loves hiking on weekends', source: 'user' },
            { text: 'Is named Juno', source: 'assistant' },
            { text: '  ', source: 'user' },
            'Has a dog named Rex',
          ],
        }),
        usage: { prompt_tokens: 120, completion_tokens: 30 },
      });
      const result = await llm().extractFacts({
        messages: [
          { role: 'system', content: 'You are a travel agent.' },
          { role: 'user', content: 'I love hiking on weekends with my dog.', name: 'alice' },
          { role: 'assistant', content: 'Nice! I am Juno.' },
        ],
        context: [{ role: 'user', content: 'My dog is called Rex.' }],
        customInstructions: 'Only keep outdoor activities.',
        agentCustomInstructions: 'Keep the assistant persona.',
        includes: 'pets',
        excludes: 'weather talk',
      });

      expect(result.facts).toEqual([
        { text: 'Loves hiking on weekends', source: 'user' },
        { text: 'Is named Juno', source: 'assistant' },
        { text: 'Has a dog named Rex', source: 'user' },
      ]);
      expect(result.usage).toEqual({ llmCalls: 1, inputTokens: 120, outputTokens: 30 });

      const [request] = fake.requestsTo('/v1/chat/completions');
      expect(request.headers.authorization).toBe('Bearer sk-test-key');
      const body = request.body as FakeChatBody;
      expect(body).toMatchObject({ model: 'gpt-test', temperature: 0, response_format: { type: 'json_object' } });
      expect(body.messages.map((m) => m.role)).toEqual(['system', 'user']);
      const [system, user] = body.messages.map((m) => m.content);
      expect(system).toContain('Only keep outdoor activities.');
      expect(system).toContain('Keep the assistant persona.');
      expect(system).toContain('pets');
      expect(system).toContain('weather talk');
      expect(system).toContain('JSON');
      expect(chatKind(body)).toBe('extraction');
      expect(newMessages(body)).toEqual([
        { role: 'system', content: 'You are a travel agent.' },
        { role: 'user', name: 'alice', content: 'I love hiking on weekends with my dog.' },
        { role: 'assistant', content: 'Nice! I am Juno.' },
      ]);
      expect(user).toContain('My dog is called Rex.');
      expect(user.indexOf('My dog is called Rex.')).toBeLessThan(user.indexOf('I love hiking'));
    });

    it('uses a custom prompt instead of the built-in rules and attributes facts to the only speaking role', async () => {
      replies.push(JSON.stringify({ facts: ['Recommends Lisbon in spring', { text: 'Likes Porto', source: 'user' }] }));
      const result = await llm().extractFacts({
        messages: [{ role: 'assistant', content: 'Lisbon is lovely in spring; Porto too.' }],
        context: [],
        customPrompt: 'Extract only travel recommendations.',
      });
      expect(result.facts).toEqual([
        { text: 'Recommends Lisbon in spring', source: 'assistant' },
        { text: 'Likes Porto', source: 'assistant' },
      ]);
      const system = chatBodies()[0].messages[0].content;
      expect(system.startsWith('Extract only travel recommendations.')).toBe(true);
      expect(system).not.toContain('Rules:');
      expect(system).toContain('{"facts"');
    });

    it('skips the model when there is nothing but system messages', async () => {
      const result = await llm().extractFacts({ messages: [{ role: 'system', content: 'Be brief.' }], context: [] });
      expect(result).toEqual({ facts: [], usage: { llmCalls: 0, inputTokens: 0, outputTokens: 0 } });
      expect(fake.requests).toHaveLength(0);
    });

    it('retries once on invalid JSON, telling the model what was wrong', async () => {
      replies.push(
        'Sure! Here are the facts: none',
        '```json\n{"facts": [{"text": "Lives in Paris", "source": "user"}]}\n```',
      );
      const result = await llm().extractFacts({
        messages: [{ role: 'user', content: 'I live in Paris.' }],
        context: [],
      });
      expect(result.facts).toEqual([{ text: 'Lives in Paris', source: 'user' }]);
      expect(result.usage.llmCalls).toBe(2);
      const retry = chatBodies()[1];
      expect(retry.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
      expect(retry.messages[3].content).toContain('not valid JSON');
    });

    it('fails with what the model returned after two unusable answers', async () => {
      replies.push('{"memories": []}', '{"memories": ["x"]}');
      await expect(
        llm().extractFacts({ messages: [{ role: 'user', content: 'I live in Paris.' }], context: [] }),
      ).rejects.toThrow(/fact extraction failed.*gpt-test.*"facts" is missing.*\{\\"memories\\": \[\\"x\\"\]\}/);
      expect(fake.requests).toHaveLength(2);
    });

    it('turns HTTP errors into errors naming the status and the provider message', async () => {
      replies.push({ status: 500, message: 'The server had an error while processing your request.' });
      await expect(llm().extractFacts({ messages: [{ role: 'user', content: 'hello' }], context: [] })).rejects.toThrow(
        'OpenAI fact extraction request (model gpt-test) failed with HTTP 500: The server had an error',
      );

      replies.push({ status: 429, message: 'Rate limit reached for gpt-test' });
      await expect(llm().categorize({ text: 'x', categories: DEFAULT_CATEGORIES })).rejects.toThrow(
        /HTTP 429: Rate limit reached/,
      );
    });

    it('reports timeouts and unreachable servers', async () => {
      const slow = llm({ model: 'm', timeoutMs: 100 });
      replies.push(() => new Promise<FakeChatReply>((resolve) => setTimeout(() => resolve('{"facts": []}'), 1000)));
      const started = Date.now();
      // Under jest the abort error crosses realms and the SDK reports it as a connection error; plain Node says "timed out after 100 ms".
      await expect(slow.extractFacts({ messages: [{ role: 'user', content: 'hi' }], context: [] })).rejects.toThrow(
        /^OpenAI fact extraction request \(model m\) (timed out after 100 ms|could not reach the API)/,
      );
      expect(Date.now() - started).toBeLessThan(900);
      const closed = await startFakeOpenAi();
      await closed.close();
      const unreachable = llm({ model: 'm', baseURL: closed.baseURL });
      await expect(unreachable.categorize({ text: 'x', categories: DEFAULT_CATEGORIES })).rejects.toThrow(
        /OpenAI categorization request \(model m\) could not reach the API: fetch failed: .*ECONNREFUSED/,
      );
    });

    it('works with the fake server defaults', async () => {
      const result = await llm().extractFacts({
        messages: [
          { role: 'user', content: 'I like tea.' },
          { role: 'assistant', content: 'I will remember that.' },
        ],
        context: [{ role: 'user', content: 'Earlier.' }],
      });
      expect(result.facts).toEqual([
        { text: 'I like tea.', source: 'user' },
        { text: 'I will remember that.', source: 'assistant' },
      ]);
      const similar = [{ id: 'm-1', text: 'Likes tea', similarity: 0.8 }];
      await expect(llm().decideUpdate({ fact: 'Likes green tea', similar })).resolves.toEqual({
        event: 'ADD',
        text: 'Likes green tea',
      });
      await expect(llm().categorize({ text: 'Likes tea', categories: DEFAULT_CATEGORIES })).resolves.toEqual(['misc']);
    });

    it('drops temperature for models that reject it', async () => {
      replies.push(
        { status: 400, message: "Unsupported value: 'temperature' does not support 0 with this model." },
        '{"facts": []}',
      );
      const result = await llm().extractFacts({ messages: [{ role: 'user', content: 'hello' }], context: [] });
      expect(result.usage.llmCalls).toBe(1);
      expect(chatBodies()[1].temperature).toBeUndefined();
    });
  });

  describe('update decision', () => {
    const similar = [
      { id: '7d1c6f1e-0000-4000-8000-000000000001', text: 'Likes pizza', similarity: 0.9 },
      { id: '7d1c6f1e-0000-4000-8000-000000000002', text: 'Lives in New York', similarity: 0.7 },
    ];

    it('numbers the memories and maps the answer back to their ids', async () => {
      const provider = llm();
      replies.push('{"event": "UPDATE", "id": "0", "text": "Loves pepperoni pizza"}');
      await expect(
        provider.decideUpdate({ fact: 'Loves pepperoni pizza', similar, instructions: 'Be strict.' }),
      ).resolves.toEqual({
        event: 'UPDATE',
        id: similar[0].id,
        text: 'Loves pepperoni pizza',
      });
      const body = chatBodies()[0];
      expect(chatKind(body)).toBe('update');
      expect(body.messages[1].content).toContain('{"id":"1","text":"Lives in New York"}');
      expect(body.messages[1].content).not.toContain(similar[0].id);
      expect(body.messages[0].content).toContain('Be strict.');

      replies.push(
        '{"event": "delete", "id": 1}',
        '{"event": "NOOP", "id": "0"}',
        '{"event": "ADD", "text": "Has a cat"}',
      );
      await expect(provider.decideUpdate({ fact: 'Left New York', similar })).resolves.toEqual({
        event: 'DELETE',
        id: similar[1].id,
      });
      await expect(provider.decideUpdate({ fact: 'Likes pizza', similar })).resolves.toEqual({
        event: 'NOOP',
        id: similar[0].id,
      });
      await expect(provider.decideUpdate({ fact: 'Has a cat', similar })).resolves.toEqual({
        event: 'ADD',
        text: 'Has a cat',
      });
      expect(provider.totalUsage.llmCalls).toBe(4);
      expect(provider.totalUsage.inputTokens).toBeGreaterThan(0);
    });

    it('degrades answers about unknown memories sensibly', async () => {
      replies.push(
        '{"event": "UPDATE", "id": "7", "text": "Merged text"}',
        '{"event": "DELETE", "id": "7d1c6f1e-0000-4000-8000-000000000001"}',
        '{"event": "NOOP", "id": "2"}',
        '{"event": "UPDATE", "id": "1", "text": "Lives in New York"}',
      );
      const provider = llm();
      await expect(provider.decideUpdate({ fact: 'Moved to Boston', similar })).resolves.toEqual({
        event: 'ADD',
        text: 'Moved to Boston',
      });
      await expect(provider.decideUpdate({ fact: 'x', similar })).resolves.toEqual({ event: 'NOOP' });
      await expect(provider.decideUpdate({ fact: 'x', similar })).resolves.toEqual({ event: 'NOOP' });
      await expect(provider.decideUpdate({ fact: 'x', similar })).resolves.toEqual({
        event: 'NOOP',
        id: similar[1].id,
      });
    });

    it('adds without asking the model when nothing similar exists, and retries an unknown event', async () => {
      await expect(llm().decideUpdate({ fact: 'Has a cat', similar: [] })).resolves.toEqual({
        event: 'ADD',
        text: 'Has a cat',
      });
      expect(fake.requests).toHaveLength(0);
      replies.push('{"event": "MERGE"}', '{"event": "MERGE"}');
      await expect(llm().decideUpdate({ fact: 'Has a cat', similar })).rejects.toThrow(/"event" must be ADD, UPDATE/);
    });
  });

  describe('categorization', () => {
    it('keeps only catalog names, matched case-insensitively', async () => {
      replies.push('{"categories": ["Food", "hobbies", "cooking", 3, "food"]}');
      await expect(llm().categorize({ text: 'Loves baking bread', categories: DEFAULT_CATEGORIES })).resolves.toEqual([
        'food',
        'hobbies',
      ]);
      const body = chatBodies()[0];
      expect(chatKind(body)).toBe('categorization');
      expect(body.messages[0].content).toContain('- professional_details: Job, employer');
      expect(body.messages[1].content).toContain('Loves baking bread');

      const custom = [{ name: 'Pets', description: 'Animals' }];
      replies.push('{"categories": ["pets", "misc"]}');
      await expect(llm().categorize({ text: 'Has a cat', categories: custom })).resolves.toEqual(['Pets']);
    });
  });

  describe('embeddings', () => {
    it('batches, keeps order, normalises and sends dimensions to text-embedding-3 models', async () => {
      const instance = embedder('text-embedding-3-small', 16, { batchSize: 2 });
      expect(instance.id).toBe('openai:text-embedding-3-small:16');
      expect(instance.dimensions).toBe(16);
      const texts = ['alpha beta', 'gamma', 'delta epsilon', 'alpha beta'];
      const vectors = await instance.embed(texts);

      const requests = fake.requestsTo('/v1/embeddings');
      expect(requests.map((r) => (r.body as FakeEmbeddingsBody).input)).toEqual([texts.slice(0, 2), texts.slice(2)]);
      expect(requests[0].headers.authorization).toBe('Bearer sk-test-key');
      expect(requests[0].body).toMatchObject({
        model: 'text-embedding-3-small',
        dimensions: 16,
        encoding_format: 'float',
      });
      expect(vectors).toHaveLength(4);
      for (const vector of vectors) {
        expect(vector).toHaveLength(16);
        expect(Math.hypot(...vector)).toBeCloseTo(1, 6);
      }
      expect(vectors[3]).toEqual(vectors[0]);
      expect(vectors[1]).not.toEqual(vectors[0]);
    });

    it('sorts by index when the server answers out of order', async () => {
      const shuffled = await startFakeOpenAi({
        embeddings: (body) => (body.input as string[]).map((text) => [text.length, 1, 0]),
      });
      try {
        // The SDK picks up fetch when constructed, so the reversing wrapper must be in place first.
        const original = global.fetch;
        const spy = jest.spyOn(global, 'fetch').mockImplementation(async (...args) => {
          const response = await original(...args);
          const json = (await response.json()) as { data: unknown[] };
          json.data.reverse();
          return new Response(JSON.stringify(json), { status: 200, headers: { 'content-type': 'application/json' } });
        });
        const instance = embedder('m', 3, { baseURL: shuffled.baseURL });
        try {
          const [a, b] = await instance.embed(['x', 'yyyy']);
          expect(spy).toHaveBeenCalledTimes(1);
          expect(a[0]).toBeCloseTo(1 / Math.sqrt(2), 6);
          expect(b[0]).toBeCloseTo(4 / Math.sqrt(17), 6);
        } finally {
          spy.mockRestore();
        }
      } finally {
        await shuffled.close();
      }
    });

    it('omits dimensions for other models and explains a length mismatch', async () => {
      await expect(embedder('nomic-embed-text', 16).embed(['hello world'])).rejects.toThrow(
        'returned vectors of length 8, but 16 dimensions are configured; set OPENAI_EMBEDDING_DIMENSIONS=8',
      );
      expect(fake.requestsTo('/v1/embeddings')[0].body).not.toHaveProperty('dimensions');
      await expect(embedder('nomic-embed-text', 8).embed(['hello world'])).resolves.toHaveLength(1);
    });

    it('reports HTTP errors with status and message', async () => {
      const failing = await startFakeOpenAi({ embeddings: () => ({ status: 503, message: 'Engine overloaded' }) });
      try {
        const instance = embedder('text-embedding-3-small', 4, { baseURL: failing.baseURL });
        await expect(instance.embed(['a'])).rejects.toThrow(
          'OpenAI embedding request (model text-embedding-3-small) failed with HTTP 503: Engine overloaded',
        );
      } finally {
        await failing.close();
      }
    });
  });
});
