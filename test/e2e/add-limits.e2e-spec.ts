import request from 'supertest';
import { ADD_INVALID_MESSAGE } from '@app/memories';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

const messagesOf = (count: number, label: string) =>
  Array.from({ length: count }, (_, index) => ({
    role: index % 2 ? 'assistant' : 'user',
    content: `${label} fact ${index}: likes item ${index % 997} "quoted", back\\slash, {braces}`,
  }));

/** Adds are bounded (ADD_MAX_*) and a large verbatim add is stored in batches while other requests are served. */
describe('bounded adds', () => {
  let t: TestApp;
  let a: Tenant;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_ENABLED: 'false' } });
    a = await t.newTenant('limits');
  });
  afterAll(() => t.close());

  const addV3 = (body: Record<string, unknown>) => request(t.http).post('/v3/memories/add/').set(as(a)).send(body);

  it('refuses 10,000 messages at once with a 400 naming the cap, while pings keep answering', async () => {
    const pings = Array.from({ length: 10 }, (_, index) =>
      new Promise((resolve) => setTimeout(resolve, index * 20)).then(() => request(t.http).get('/v1/ping/').set(as(a))),
    );
    const started = Date.now();
    const response = await addV3({ messages: messagesOf(10_000, 'huge'), user_id: 'huge', infer: false });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: '400 Bad Request',
      details: {
        message: ADD_INVALID_MESSAGE,
        reason: 'messages: at most 1000 messages per add (ADD_MAX_MESSAGES), got 10000',
      },
    });
    for (const ping of await Promise.all(pings)) {
      expect(ping.status).toBe(200);
      expect(ping.body.status).toBe('ok');
    }
    expect(await t.prisma.event.count({ where: { projectId: a.projectId } })).toBe(0);
  });

  it('refuses a message over ADD_MAX_MESSAGE_CHARS and metadata over ADD_MAX_METADATA_BYTES with a 413', async () => {
    const long = 'x'.repeat(32_001);
    const content = await addV3({
      messages: [
        { role: 'user', content: 'ok' },
        { role: 'user', content: long },
      ],
      user_id: 'u',
    });
    expect(content.status).toBe(413);
    expect(content.body).toEqual({
      error: '413 Payload Too Large',
      details: {
        message: ADD_INVALID_MESSAGE,
        reason: 'messages.1.content: at most 32000 characters per message (ADD_MAX_MESSAGE_CHARS), got 32001',
      },
    });
    const bare = await request(t.http).post('/v1/memories/').set(as(a)).send({ messages: long, user_id: 'u' });
    expect(bare.status).toBe(413);
    expect(bare.body.details.reason).toMatch(/^messages: at most 32000 characters/);
    const metadata = { blob: 'y'.repeat(16_384) };
    const meta = await addV3({ messages: 'hello there', user_id: 'u', metadata, infer: false });
    expect(meta.status).toBe(413);
    expect(meta.body.details.reason).toBe('metadata: at most 16384 bytes of JSON (ADD_MAX_METADATA_BYTES), got 16395');
    // The v3 list route adds when given messages: same caps.
    const alias = await request(t.http)
      .post('/v3/memories/')
      .set(as(a))
      .send({ messages: messagesOf(1001, 'alias'), user_id: 'u' });
    expect(alias.status).toBe(400);
    expect(alias.body.details.reason).toMatch(/ADD_MAX_MESSAGES/);
    expect(await t.prisma.event.count({ where: { projectId: a.projectId } })).toBe(0);
  });

  it('the self-hosted servers refuse the same adds in their own shapes', async () => {
    const key = { 'X-API-Key': a.key };
    const tooMany = messagesOf(1001, 'surface');
    const oss = await request(t.http).post('/oss/memories').set(key).send({ messages: tooMany, user_id: 'u' });
    expect(oss.status).toBe(400);
    expect(oss.body).toEqual({ detail: 'messages: at most 1000 messages per add (ADD_MAX_MESSAGES), got 1001' });
    const text = await request(t.http)
      .post('/memory/add')
      .set(key)
      .send({ text: 'z'.repeat(32_001), user_id: 'u' });
    expect(text.status).toBe(413);
    expect(text.body).toEqual({
      detail: 'text: at most 32000 characters per message (ADD_MAX_MESSAGE_CHARS), got 32001',
    });
    const system = await request(t.http)
      .post('/memory-system/v1/memories')
      .set({ Authorization: `Bearer ${a.key}` })
      .send({ messages: 'hi', user_id: 'u', metadata: { blob: 'y'.repeat(20_000) } });
    expect(system.status).toBe(413);
    expect(system.body).toMatchObject({
      success: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/^metadata: at most 16384 bytes/) },
    });
  });

  it('stores a 1000-message verbatim add: each distinct text once, with its history entry and webhook', async () => {
    const messages = [...messagesOf(989, 'big'), ...messagesOf(10, 'big'), { role: 'system', content: 'Be brief.' }];
    expect(messages).toHaveLength(1000);
    const response = await addV3({ messages, user_id: 'big', infer: false, metadata: { source: 'import' } });
    expect(response.status).toBe(200);
    const results = response.body.results as { id: string; memory: string; event: string }[];
    const distinct = [...new Set(messagesOf(989, 'big').map((message) => message.content))];
    expect(results.map((item) => item.memory)).toEqual(distinct);
    expect(new Set(results.map((item) => item.id)).size).toBe(989);
    const where = { projectId: a.projectId, userId: 'big' };
    expect(await t.prisma.memory.count({ where })).toBe(989);
    const history = await t.prisma.memoryHistory.findMany({ where: { ...where, event: 'ADD' } });
    expect(history).toHaveLength(989);
    const byMemory = new Map(history.map((entry) => [entry.memoryId, entry]));
    const [first] = results;
    expect(byMemory.get(first.id)).toMatchObject({
      newMemory: first.memory,
      input: [{ role: 'user', content: first.memory }],
      metadata: { source: 'import' },
    });
    const outbox = await t.prisma.webhookOutbox.count({ where: { projectId: a.projectId, eventType: 'memory_add' } });
    expect(outbox).toBe(989);
    const event = await request(t.http).get(`/v1/event/${response.body.event_id}/`).set(as(a)).expect(200);
    expect(event.body).toMatchObject({ status: 'SUCCEEDED' });
    expect(event.body.results).toHaveLength(989);
    const stored = await request(t.http).get(`/v1/memories/${first.id}/`).set(as(a)).expect(200);
    expect(stored.body).toMatchObject({ memory: first.memory, user_id: 'big', metadata: { source: 'import' } });

    const again = await addV3({ messages, user_id: 'big', infer: false });
    expect(again.body.results).toEqual([]);
    expect(await t.prisma.memory.count({ where })).toBe(989);
  });

  it('two identical verbatim adds to one scope at once store each text once', async () => {
    const body = { messages: messagesOf(450, 'race'), user_id: 'race', agent_id: 'bot', infer: false };
    const [left, right] = await Promise.all([addV3(body), addV3(body)]);
    expect([left.status, right.status]).toEqual([200, 200]);
    expect(left.body.results.length + right.body.results.length).toBe(450);
    const rows = await t.prisma.memory.findMany({ where: { projectId: a.projectId, userId: 'race', agentId: 'bot' } });
    expect(rows).toHaveLength(450);
    expect(new Set(rows.map((row) => row.hash)).size).toBe(450);
    expect(await t.prisma.memoryHistory.count({ where: { projectId: a.projectId, userId: 'race' } })).toBe(450);
  });

  it('an inline legacy add applies its facts a batch at a time, each fact stored once', async () => {
    const said = Array.from({ length: 120 }, (_, index) => ({
      role: 'user',
      content: `I collect stamp series ${index}.`,
    }));
    const response = await request(t.http)
      .post('/oss/memories')
      .set({ 'X-API-Key': a.key })
      .send({ messages: [...said, ...said], user_id: 'legacy' });
    expect(response.status).toBe(200);
    const added = response.body.results as { id: string; event: string }[];
    const rows = await t.prisma.memory.findMany({ where: { projectId: a.projectId, userId: 'legacy' } });
    expect(rows.length).toBeGreaterThan(100);
    expect(added.map((item) => item.id).sort()).toEqual(rows.map((row) => row.id).sort());
    expect(new Set(rows.map((row) => row.hash)).size).toBe(rows.length);
  });
});
