import { compileJsonSchema, OpenAiLlmProvider } from '@app/ai';
import { chatKind, exportRequest, FakeOpenAi, startFakeOpenAi } from '../utils/fake-openai';

describe('OpenAI provider schema export (fillSchema) against a fake OpenAI server', () => {
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

  const schema = {
    title: 'Profile',
    type: 'object',
    properties: {
      full_name: { type: 'string', description: 'First and last name' },
      city: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      skills: { type: 'array', items: { type: 'string' } },
    },
    required: ['full_name', 'skills'],
  };
  const memories = ['Lives in Berlin', 'Name is Jane Roe', 'Knows Rust', 'Lives in Paris'];

  it('sends the schema, the memories newest first and the instructions in JSON mode, and returns the object', async () => {
    const answer = { full_name: 'Jane Roe', city: 'Berlin', skills: ['Rust'] };
    fake.replies.push(JSON.stringify(answer));
    const provider = llm();
    const result = await provider.fillSchema({ schema, memories, instructions: 'Write the city without the country.' });
    expect(result).toEqual(answer);

    const [body] = fake.chatBodies();
    expect(body).toMatchObject({ model: 'gpt-test', temperature: 0, response_format: { type: 'json_object' } });
    expect(chatKind(body)).toBe('export');
    expect(exportRequest(body)).toEqual({ schema, memories });
    const system = body.messages[0].content;
    expect(system).toContain('Write the city without the country.');
    expect(system).toMatch(/newest one .* is the current state/);
    expect(system).toMatch(/only what the memories say/);
    expect(provider.totalUsage.llmCalls).toBe(1);
  });

  it('re-asks once with the validation error when the answer does not match the schema', async () => {
    fake.replies.push('{"full_name": "Jane Roe"}', '{"full_name": "Jane Roe", "city": null, "skills": []}');
    const result = await llm().fillSchema({ schema, memories });
    expect(result).toEqual({ full_name: 'Jane Roe', city: null, skills: [] });
    const bodies = fake.chatBodies();
    expect(bodies).toHaveLength(2);
    const reask = bodies[1].messages.at(-1)!.content;
    expect(reask).toContain('does not match the schema');
    expect(reask).toContain("must have required property 'skills'");
  });

  it('returns a second invalid answer as is, for the caller to fail the export with the validation error', async () => {
    fake.replies.push('{"full_name": 1, "skills": []}', '{"full_name": 2, "skills": []}');
    const result = await llm().fillSchema({ schema, memories });
    expect(result).toEqual({ full_name: 2, skills: [] });
    expect(fake.chatBodies()).toHaveLength(2);
    expect(compileJsonSchema(schema)(result)).toBe('export/full_name must be string');
  });

  it('re-asks on an answer that is not JSON and fails after the second one', async () => {
    fake.replies.push('Sure! Here is the profile.', 'still no JSON');
    await expect(llm().fillSchema({ schema, memories })).rejects.toThrow(
      /OpenAI schema export failed: model gpt-test gave an invalid answer 2 times \(the answer is not valid JSON/,
    );
  });

  it('surfaces HTTP errors with the operation name', async () => {
    fake.replies.push({ status: 500, message: 'upstream exploded' });
    await expect(llm().fillSchema({ schema, memories })).rejects.toThrow(
      'OpenAI schema export request (model gpt-test) failed with HTTP 500: upstream exploded',
    );
  });
});
