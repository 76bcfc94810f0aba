import type { MemoryClient as Client } from 'mem0ai';
import { eventually } from '../../utils/events';
import { queuesIdle } from '../../utils/queues';
import { createTestApp, Tenant, TestApp } from '../../utils/test-app';
import { WebhookReceiver } from '../../utils/webhook-receiver';

type Mem0 = typeof import('mem0ai');
type Row = { id: string; memory: string; userId?: string; categories?: string[]; metadata?: Record<string, unknown> };

/**
 * The published npm client (mem0ai 3.3.1) against the server on a real loopback port: every public
 * method but the profile ones (profiles-client.e2e-spec.ts), each checked by its effect.
 */
describe('mem0ai MemoryClient against this server', () => {
  let t: TestApp;
  let a: Tenant;
  let mem0: Mem0;
  let client: Client;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    // Read once when the client module loads: it would otherwise post usage events to PostHog.
    process.env.MEM0_TELEMETRY = 'false';
    mem0 = await import('mem0ai');
    receiver = await WebhookReceiver.start();
    t = await createTestApp({ worker: true, env: { WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' } });
    a = await t.newTenant('mem0ai');
    await t.app.listen(0, '127.0.0.1');
    client = new mem0.MemoryClient({ apiKey: a.key, host: await t.app.getUrl() });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  /** Queued adds and categories are done once the queues are idle. */
  const settled = () => queuesIdle(t);
  const memoriesOf = async (userId: string): Promise<Row[]> =>
    ((await client.getAll({ filters: { user_id: userId } })) as unknown as { results: Row[] }).results;

  it('ping checks the key; a wrong key is an AuthenticationError', async () => {
    await expect(client.ping()).resolves.toBeUndefined();
    const wrong = new mem0.MemoryClient({ apiKey: 'm0-wrong', host: await t.app.getUrl() });
    await expect(wrong.ping()).rejects.toBeInstanceOf(mem0.AuthenticationError);
  });

  it('add queues an event that stores the facts; search, get and getAll read them', async () => {
    const added = (await client.add([{ role: 'user', content: 'I love hiking in the Alps.' }], {
      userId: 'alice',
      metadata: { source: 'client-suite' },
    })) as unknown as { eventId: string; status: string };
    expect(added).toMatchObject({ eventId: expect.any(String), status: 'PENDING' });
    await settled();

    const found = await client.search('hiking', { filters: { user_id: 'alice' } });
    expect(found.results.map((row) => row.memory)).toEqual(['Loves hiking in the Alps']);
    const [hit] = found.results as unknown as Row[];
    const one = (await client.get(hit.id)) as unknown as Row;
    expect(one).toMatchObject({ id: hit.id, memory: 'Loves hiking in the Alps', userId: 'alice' });
    expect(one.metadata).toEqual({ source: 'client-suite' });
    expect(one.categories).toContain('hobbies');

    const page = (await client.getAll({ filters: { user_id: 'alice' }, page: 1, pageSize: 10 })) as unknown as {
      count: number;
      results: Row[];
    };
    expect(page).toMatchObject({ count: 1, results: [expect.objectContaining({ id: hit.id })] });
  });

  it('update changes the text and history shows both versions; feedback is recorded', async () => {
    const [row] = await memoriesOf('alice');
    await client.update(row.id, { text: 'Loves hiking in the Dolomites', metadata: { source: 'edited' } });
    expect(await client.get(row.id)).toMatchObject({ memory: 'Loves hiking in the Dolomites' });
    const history = (await client.history(row.id)) as unknown as { event: string; newMemory: string }[];
    expect(history.map((entry) => [entry.event, entry.newMemory])).toEqual([
      ['ADD', 'Loves hiking in the Alps'],
      ['UPDATE', 'Loves hiking in the Dolomites'],
    ]);
    await client.feedback({ memoryId: row.id, feedback: 'POSITIVE' as never, feedbackReason: 'accurate' });
    const stored = await t.prisma.memoryFeedback.findFirstOrThrow({ where: { memoryId: row.id } });
    expect(stored).toMatchObject({ feedback: 'POSITIVE', feedbackReason: 'accurate' });
  });

  it('batchUpdate and batchDelete change several memories at once', async () => {
    await client.add([{ role: 'user', content: 'Speaks Italian.' }], { userId: 'bob', infer: false });
    await client.add([{ role: 'user', content: 'Owns a red bicycle.' }], { userId: 'bob', infer: false });
    const [first, second] = await memoriesOf('bob');
    await client.batchUpdate([{ memoryId: first.id, text: `${first.memory} Fluently.` }]);
    expect((await client.get(first.id)) as unknown as Row).toMatchObject({ memory: `${first.memory} Fluently.` });
    await client.batchDelete([first.id, second.id]);
    expect(await memoriesOf('bob')).toEqual([]);
  });

  it('delete removes one memory; deleteAll the memories of an entity', async () => {
    for (const text of ['Drinks green tea.', 'Reads sci-fi novels.']) {
      await client.add([{ role: 'user', content: text }], { userId: 'carol', infer: false });
    }
    const [one, other] = await memoriesOf('carol');
    expect(await client.delete(one.id)).toEqual({ message: 'Memory deleted successfully!' });
    await expect(client.get(one.id)).rejects.toBeInstanceOf(mem0.MemoryNotFoundError);
    await client.deleteAll({ userId: 'carol' });
    await settled();
    expect(await memoriesOf('carol')).toEqual([]);
    await expect(client.get(other.id)).rejects.toBeInstanceOf(mem0.MemoryNotFoundError);
  });

  it('users lists entities; deleteUser and deleteUsers remove them with their memories', async () => {
    for (const userId of ['dave', 'erin']) {
      await client.add([{ role: 'user', content: 'Plays chess.' }], { userId, infer: false });
    }
    await client.add([{ role: 'user', content: 'Handles refunds.' }], { agentId: 'support-bot', infer: false });
    const entities = (await client.users()) as unknown as { results: { name: string; type: string }[] };
    expect(entities.results.map((entity) => `${entity.type}:${entity.name}`)).toEqual(
      expect.arrayContaining(['user:dave', 'user:erin', 'agent:support-bot']),
    );
    await client.deleteUser({ entity_type: 'user', entity_id: 'dave' as never });
    expect(await client.deleteUsers({ userId: 'erin' })).toEqual({ message: 'Entity deleted successfully.' });
    await settled();
    expect(await memoriesOf('dave')).toEqual([]);
    expect(await memoriesOf('erin')).toEqual([]);
    const left = (await client.users()) as unknown as { results: { name: string }[] };
    expect(left.results.map((entity) => entity.name)).not.toEqual(expect.arrayContaining(['dave', 'erin']));
    expect(left.results.map((entity) => entity.name)).toContain('support-bot');
  });

  it('getProject and updateProject read and write the project settings', async () => {
    await client.updateProject({
      customInstructions: 'Keep facts short.',
      customCategories: [{ hiking: 'Walks in the mountains' }],
    } as never);
    const project = (await client.getProject({ fields: ['custom_instructions', 'custom_categories'] })) as unknown as {
      customInstructions: string;
      customCategories: Record<string, string>[];
    };
    expect(project.customInstructions).toBe('Keep facts short.');
    expect(project.customCategories).toEqual([{ hiking: 'Walks in the mountains' }]);
    const stored = await t.prisma.project.findUniqueOrThrow({ where: { id: a.projectId } });
    expect(stored.customInstructions).toBe('Keep facts short.');
  });

  it('createWebhook, getWebhooks, updateWebhook and deleteWebhook manage an endpoint that receives adds', async () => {
    const created = (await client.createWebhook({
      name: 'adds',
      url: receiver.url('/client-suite'),
      eventTypes: ['memory_add' as never],
    } as never)) as unknown as { webhookId: string; name: string };
    expect(created).toMatchObject({ webhookId: expect.any(String), name: 'adds' });
    await client.add([{ role: 'user', content: 'Collects vinyl records.' }], { userId: 'frank', infer: false });
    const [delivery] = await eventually(async () =>
      receiver.at('/client-suite').length ? receiver.at('/client-suite') : undefined,
    );
    expect(JSON.parse(delivery.body).event_details).toMatchObject({ event: 'ADD', user_id: 'frank' });

    await client.updateWebhook({ webhookId: created.webhookId, name: 'renamed' } as never);
    const listed = (await client.getWebhooks()) as unknown as { webhookId: string; name: string }[];
    expect(listed).toEqual([expect.objectContaining({ webhookId: created.webhookId, name: 'renamed' })]);
    await client.deleteWebhook({ webhookId: created.webhookId });
    expect(await client.getWebhooks()).toEqual([]);
  });

  it('createMemoryExport and getMemoryExport fill a schema with values from the memories', async () => {
    await client.add([{ role: 'user', content: 'My favourite city is Lisbon.' }], { userId: 'gina', infer: false });
    const created = await client.createMemoryExport({
      schema: { type: 'object', properties: { favourite_city: { type: ['string', 'null'] } } },
      filters: { user_id: 'gina' },
    } as never);
    expect(created).toMatchObject({ id: expect.any(String) });
    const done = await eventually(async () => {
      const read = (await client.getMemoryExport({ memoryExportId: created.id } as never)) as unknown as Record<
        string,
        unknown
      >;
      return 'favouriteCity' in read ? read : undefined;
    });
    // The client camel-cases every key it reads back, the schema's own included.
    expect(done).toEqual({ favouriteCity: 'Lisbon' });
  });
});
