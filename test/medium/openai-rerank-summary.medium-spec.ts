import { NO_MEMORIES_SUMMARY, OpenAiLlmProvider } from '@app/ai';
import { chatKind, FakeOpenAi, rerankRequest, startFakeOpenAi, summaryMemories } from '../utils/fake-openai';

describe('OpenAI provider rerank and summary against a fake OpenAI server', () => {
  let fake: FakeOpenAi;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const llm = () =>
    new OpenAiLlmProvider({
      apiKey: 'sk-test-key',
      baseURL: fake.baseURL,
      model: 'gpt-test',
      timeoutMs: 5000,
      maxRetries: 0,
    });

  describe('rerank', () => {
    const documents = [
      { id: 'mem-a', text: 'Is vegetarian' },
      { id: 'mem-b', text: 'Loves spicy Thai food' },
      { id: 'mem-c', text: 'Works as a nurse' },
      { id: 'mem-d', text: 'Lives in Lisbon' },
    ];

    it('numbers the documents, maps the scores back to ids, clamps them and scores omitted ones 0', async () => {
      const provider = llm();
      fake.replies.push('{"scores": {"0": 0.9, "1": 1.7, "2": -0.3, "9": 0.8, "mem-d": 1, "x": 0.5}}');
      const scores = await provider.rerank({ query: 'What does she eat?', documents });
      expect(scores).toEqual(
        new Map([
          ['mem-a', 0.9],
          ['mem-b', 1],
          ['mem-c', 0],
          ['mem-d', 0],
        ]),
      );
      const body = fake.chatBodies()[0];
      expect(body).toMatchObject({ temperature: 0, response_format: { type: 'json_object' } });
      expect(chatKind(body)).toBe('rerank');
      expect(rerankRequest(body)).toEqual({
        query: 'What does she eat?',
        documents: documents.map((document, index) => ({ id: String(index), text: document.text })),
      });
      expect(body.messages[1].content).not.toContain('mem-a');
      expect(body.messages[0].content).toContain('{"scores": {"0": 0.92');
      expect(provider.totalUsage.llmCalls).toBe(1);
    });

    it('accepts a list of {id, score} and numeric strings', async () => {
      fake.replies.push('{"scores": [{"id": "1", "score": "0.5"}, {"id": 0, "score": 0.25}, {"id": "2"}]}');
      const scores = await llm().rerank({ query: 'food', documents: documents.slice(0, 3) });
      expect([...scores.entries()]).toEqual([
        ['mem-a', 0.25],
        ['mem-b', 0.5],
        ['mem-c', 0],
      ]);
    });

    it('retries once on invalid JSON or an answer without known ids, then fails', async () => {
      fake.replies.push('Here you go: 0 -> 0.9', '{"scores": {"1": 0.8}}');
      const scores = await llm().rerank({ query: 'food', documents });
      expect(scores.get('mem-b')).toBe(0.8);
      expect(scores.get('mem-a')).toBe(0);
      const retry = fake.chatBodies()[1];
      expect(retry.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
      expect(retry.messages[3].content).toContain('not valid JSON');
      expect(retry.messages[3].content).toContain('only the JSON object');

      fake.replies.push('{"scores": {"7": 1}}', '{"ranking": []}');
      await expect(llm().rerank({ query: 'food', documents })).rejects.toThrow(
        /OpenAI rerank failed: model gpt-test gave an invalid answer 2 times \("scores" is missing/,
      );
      expect(fake.chatBodies()[3].messages[3].content).toContain('no score for any of the listed document ids');
    });

    it('answers an empty list without a call, and reports HTTP errors', async () => {
      await expect(llm().rerank({ query: 'food', documents: [] })).resolves.toEqual(new Map());
      expect(fake.requests).toHaveLength(0);
      fake.replies.push({ status: 500, message: 'The server had an error while processing your request.' });
      await expect(llm().rerank({ query: 'food', documents })).rejects.toThrow(
        'OpenAI rerank request (model gpt-test) failed with HTTP 500: The server had an error',
      );
    });

    it('works with the fake server defaults (word overlap)', async () => {
      const scores = await llm().rerank({ query: 'spicy food in Lisbon', documents });
      expect(scores).toEqual(
        new Map([
          ['mem-a', 0],
          ['mem-b', 0.5],
          ['mem-c', 0],
          ['mem-d', 0.5],
        ]),
      );
    });
  });

  describe('summary', () => {
    const memories = ['Moved to Lisbon', 'Is vegetarian', 'Lives in Berlin'];

    it('sends the memories newest first with the instructions and max_tokens, as plain text', async () => {
      const provider = llm();
      fake.replies.push({
        content: '  The user recently moved to Lisbon from Berlin and is vegetarian.\n',
        usage: { prompt_tokens: 200, completion_tokens: 15 },
      });
      const summary = await provider.summarize({ memories, instructions: 'Mention diets first.', maxTokens: 120 });
      expect(summary).toBe('The user recently moved to Lisbon from Berlin and is vegetarian.');
      const body = fake.chatBodies()[0];
      expect(body).toMatchObject({ model: 'gpt-test', temperature: 0, max_tokens: 120 });
      expect(body).not.toHaveProperty('response_format');
      expect(chatKind(body)).toBe('summary');
      expect(summaryMemories(body)).toEqual(memories);
      expect(body.messages[0].content).toContain('Mention diets first.');
      expect(body.messages[0].content).toContain('120 tokens');
      expect(provider.totalUsage).toEqual({ llmCalls: 1, inputTokens: 200, outputTokens: 15 });
    });

    it('sends no cap without maxTokens and skips blank memories', async () => {
      fake.replies.push('Moved to Lisbon.');
      await llm().summarize({ memories: [' ', ...memories], instructions: '  ', maxTokens: null });
      const body = fake.chatBodies()[0];
      expect(body).not.toHaveProperty('max_tokens');
      expect(body.messages[0].content).not.toContain('Project instructions');
      expect(summaryMemories(body)).toEqual(memories);
    });

    it('leaves the oldest memories out of a very long list, saying so', async () => {
      const many = Array.from({ length: 100 }, (_, i) => `Memory ${i} ${'x'.repeat(990)}`);
      await llm().summarize({ memories: many });
      const body = fake.chatBodies()[0];
      const sent = summaryMemories(body);
      expect(sent.length).toBeGreaterThan(40);
      expect(sent).toEqual(many.slice(0, sent.length));
      expect(body.messages[1].content).toContain(`(${100 - sent.length} older memories left out for length.)`);
    });

    it('answers an empty list without a call', async () => {
      await expect(llm().summarize({ memories: [] })).resolves.toBe(NO_MEMORIES_SUMMARY);
      await expect(llm().summarize({ memories: ['  '] })).resolves.toBe(NO_MEMORIES_SUMMARY);
      expect(fake.requests).toHaveLength(0);
    });

    it('turns HTTP errors into errors naming the status and the provider message', async () => {
      fake.replies.push({ status: 500, message: 'The server had an error while processing your request.' });
      await expect(llm().summarize({ memories })).rejects.toThrow(
        'OpenAI summary request (model gpt-test) failed with HTTP 500: The server had an error',
      );
    });

    it('switches to max_completion_tokens for models that reject max_tokens', async () => {
      const provider = llm();
      fake.replies.push(
        { status: 400, message: "Unsupported parameter: 'max_tokens' is not supported with this model." },
        'Lives in Lisbon.',
        'Is vegetarian.',
      );
      await expect(provider.summarize({ memories, maxTokens: 50 })).resolves.toBe('Lives in Lisbon.');
      await expect(provider.summarize({ memories, maxTokens: 60 })).resolves.toBe('Is vegetarian.');
      const bodies = fake.chatBodies();
      expect(bodies[1]).toMatchObject({ max_completion_tokens: 50 });
      expect(bodies[1]).not.toHaveProperty('max_tokens');
      expect(bodies[2]).toMatchObject({ max_completion_tokens: 60 });
    });

    it('cleans up answers: JSON, a "Summary:" label, a cut-off end, an empty answer', async () => {
      fake.replies.push('{"summary": "Is vegetarian."}', 'Summary: Lives in Lisbon.');
      await expect(llm().summarize({ memories })).resolves.toBe('Is vegetarian.');
      await expect(llm().summarize({ memories })).resolves.toBe('Lives in Lisbon.');

      fake.replies.push({ content: 'The user is vegetarian. They moved to Lisbon from Berl', finishReason: 'length' });
      await expect(llm().summarize({ memories, maxTokens: 12 })).resolves.toBe('The user is vegetarian.');
      fake.replies.push({ content: 'The user is vegetarian and moved to', finishReason: 'length' });
      await expect(llm().summarize({ memories, maxTokens: 8 })).resolves.toBe('The user is vegetarian and moved to…');

      fake.requests.length = 0;
      fake.replies.push('   ', 'Is vegetarian.');
      await expect(llm().summarize({ memories })).resolves.toBe('Is vegetarian.');
      expect(fake.chatBodies()[1].messages[3].content).toBe(
        'That answer was not usable (empty answer). Reply again with only the text asked for.',
      );
    });

    it('works with the fake server defaults', async () => {
      await expect(llm().summarize({ memories })).resolves.toBe('Moved to Lisbon; Is vegetarian; Lives in Berlin.');
    });
  });
});
