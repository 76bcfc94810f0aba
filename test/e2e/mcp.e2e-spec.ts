import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import request from 'supertest';
import { Role } from '@app/core';
import { eventually } from '../utils/events';
import { queuesIdle } from '../utils/queues';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

interface ToolAnswer {
  isError: boolean;
  body: any;
}

const TOOL_NAMES = [
  'add_memory',
  'delete_all_memories',
  'delete_entities',
  'delete_memory',
  'get_event_status',
  'get_memories',
  'get_memory',
  'list_entities',
  'list_events',
  'search_memories',
  'update_memory',
];

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
};

/** The SDK's own client over real HTTP against the API on a loopback port. */
describe('MCP endpoint /mcp', () => {
  let t: TestApp;
  let owner: Tenant;
  let reader: Tenant;
  let other: Tenant;
  let url: URL;
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await createTestApp({ worker: true });
    owner = await t.newTenant('mcp');
    reader = await t.newMember(owner.projectId, Role.READER, 'mcp-reader');
    other = await t.newTenant('mcp-other');
    await t.app.listen(0, '127.0.0.1');
    url = new URL('/mcp', await t.app.getUrl());
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await t.close();
  });

  async function connect(headers: Record<string, string>): Promise<Client> {
    const client = new Client({ name: 'mcp-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
    clients.push(client);
    return client;
  }

  const as = (tenant: Tenant) => connect({ Authorization: `Token ${tenant.key}` });

  async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> {
    const result = await client.callTool({ name, arguments: args });
    const [content] = result.content as { type: string; text: string }[];
    const isError = result.isError === true;
    // The SDK's own argument check answers in plain text; every answer of ours is JSON.
    return { isError, body: isError && !content.text.startsWith('{') ? content.text : JSON.parse(content.text) };
  }

  async function ok(client: Client, name: string, args: Record<string, unknown> = {}) {
    const answer = await call(client, name, args);
    expect(answer).toMatchObject({ isError: false });
    return answer.body;
  }

  const finished = (client: Client, eventId: string) =>
    eventually(async () => {
      const event = await ok(client, 'get_event_status', { event_id: eventId });
      return event.status === 'SUCCEEDED' || event.status === 'FAILED' ? event : undefined;
    }, 20_000);

  const rest = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  it('lists the hosted server tools with their argument shapes', async () => {
    const client = await as(owner);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(TOOL_NAMES);
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
    expect(byName.add_memory.inputSchema.required).toEqual(['text']);
    expect(Object.keys(byName.add_memory.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['messages', 'user_id', 'agent_id', 'app_id', 'run_id', 'metadata', 'infer']),
    );
    expect(byName.get_memory.inputSchema.required).toEqual(['memory_id']);
    expect(byName.update_memory.inputSchema.required).toEqual(['memory_id']);
    expect(byName.get_event_status.inputSchema.required).toEqual(['event_id']);
    expect(byName.search_memories.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.delete_all_memories.annotations).toMatchObject({ destructiveHint: true });
  });

  it('adds, reads, searches, lists, updates and deletes one memory, answering what REST answers', async () => {
    const client = await as(owner);
    const added = await ok(client, 'add_memory', {
      text: 'Prefers TypeScript over JavaScript for new projects',
      user_id: 'alice',
      metadata: { source: 'mcp' },
      infer: false,
    });
    expect(added).toMatchObject({ status: 'SUCCEEDED', results: [{ event: 'ADD', id: expect.any(String) }] });
    const id = added.results[0].id as string;

    // Categories are added by a job: compare the two reads once it has run.
    await queuesIdle(t);
    const read = await ok(client, 'get_memory', { memory_id: id });
    const viaRest = await request(t.http).get(`/v1/memories/${id}/`).set(rest(owner)).expect(200);
    expect(read).toEqual(viaRest.body);
    expect(read).toMatchObject({ user_id: 'alice', metadata: { source: 'mcp' } });

    const found = await ok(client, 'search_memories', {
      query: 'Which language for new projects?',
      filters: { user_id: 'alice' },
      limit: 5,
    });
    expect(found.results[0]).toMatchObject({ id, memory: 'Prefers TypeScript over JavaScript for new projects' });

    await ok(client, 'add_memory', { text: 'Works from Lisbon', user_id: 'alice', infer: false });
    const listed = await ok(client, 'get_memories', { filters: { AND: [{ user_id: 'alice' }] }, page_size: 1 });
    expect(listed).toMatchObject({ count: 2, previous: null, results: [{ memory: 'Works from Lisbon' }] });
    expect(new URL(listed.next)).toMatchObject({ pathname: '/v3/memories/', host: url.host });
    expect(new URL(listed.next).searchParams.get('page')).toBe('2');

    const updated = await ok(client, 'update_memory', { memory_id: id, text: 'Prefers Rust for new projects' });
    expect(updated).toMatchObject({
      id,
      memory: 'Prefers Rust for new projects',
      message: 'Memory updated successfully!',
    });
    expect(await ok(client, 'get_memory', { memory_id: id })).toMatchObject({
      memory: 'Prefers Rust for new projects',
    });

    expect(await ok(client, 'delete_memory', { memory_id: id })).toEqual({ message: 'Memory deleted successfully!' });
    expect(await call(client, 'get_memory', { memory_id: id })).toEqual({
      isError: true,
      body: { status: 404, error: { error: 'Memory not found!' } },
    });
  });

  it('queues an inferred add and follows its event to the stored memories', async () => {
    const client = await as(owner);
    const queued = await ok(client, 'add_memory', { text: 'I love hiking in the Alps.', user_id: 'carol' });
    expect(queued).toMatchObject({ status: 'PENDING', event_id: expect.any(String) });
    const event = await finished(client, queued.event_id);
    expect(event).toMatchObject({ id: queued.event_id, event_type: 'ADD', status: 'SUCCEEDED' });
    expect(event.results.length).toBeGreaterThan(0);

    const events = await ok(client, 'list_events', { event_type: 'add', page_size: 100 });
    expect(events.results.map((row: { id: string }) => row.id)).toContain(queued.event_id);
    const viaRest = await request(t.http).get('/v1/events/?event_type=ADD&page_size=100').set(rest(owner)).expect(200);
    expect(events.count).toBe(viaRest.body.count);
    expect(await call(client, 'list_events', { start_date: 'yesterday' })).toEqual({
      isError: true,
      body: { status: 400, error: { error: 'Invalid date: yesterday' } },
    });
  });

  it('works in the default user when a call names no user, agent or run', async () => {
    const client = await as(owner);
    const added = await ok(client, 'add_memory', { text: 'Keeps notes in Markdown', infer: false });
    expect(added.results).toHaveLength(1);
    const stored = await t.prisma.memory.findFirst({ where: { projectId: owner.projectId, id: added.results[0].id } });
    expect(stored).toMatchObject({ userId: 'mem0-mcp' });
    const found = await ok(client, 'search_memories', { query: 'notes in Markdown' });
    expect(found.results.map((hit: { id: string }) => hit.id)).toContain(added.results[0].id);
    const listed = await ok(client, 'get_memories');
    expect(listed.results.every((memory: { user_id: string }) => memory.user_id === 'mem0-mcp')).toBe(true);
  });

  it('deletes all memories of a scope in the background and keeps the others', async () => {
    const client = await as(owner);
    for (const text of ['Drinks green tea', 'Runs on Sundays']) {
      await ok(client, 'add_memory', { text, user_id: 'dave', infer: false });
    }
    await ok(client, 'add_memory', { text: 'Plays chess', user_id: 'erin', infer: false });
    const answer = await ok(client, 'delete_all_memories', { user_id: 'dave' });
    expect(answer).toMatchObject({ event_id: expect.any(String), message: expect.any(String) });
    expect(await finished(client, answer.event_id)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await ok(client, 'get_memories', { filters: { user_id: 'dave' } })).toMatchObject({ count: 0 });
    expect(await ok(client, 'get_memories', { filters: { user_id: 'erin' } })).toMatchObject({ count: 1 });
  });

  it('lists entities and deletes one with its memories', async () => {
    const client = await as(owner);
    await ok(client, 'add_memory', { text: 'Answers in French', agent_id: 'translator', infer: false });
    const before = await ok(client, 'list_entities');
    const viaRest = await request(t.http).get('/v1/entities/').set(rest(owner)).expect(200);
    expect(before).toEqual({ ...viaRest.body, next: null, previous: null });
    expect(before.results).toContainEqual(expect.objectContaining({ name: 'translator', type: 'agent' }));

    const deleted = await ok(client, 'delete_entities', { agent_id: 'translator' });
    expect(deleted).toMatchObject({ event_id: expect.any(String) });
    expect(await finished(client, deleted.event_id)).toMatchObject({ status: 'SUCCEEDED' });
    const after = await ok(client, 'list_entities');
    expect(after.results).not.toContainEqual(expect.objectContaining({ name: 'translator' }));
    expect(await call(client, 'delete_entities', { agent_id: 'translator' })).toEqual({
      isError: true,
      body: { status: 404, error: { detail: 'Not found.' } },
    });
    expect(await call(client, 'delete_entities', {})).toMatchObject({ isError: true, body: { status: 400 } });
  });

  it('lets a READER key read and refuses its writes', async () => {
    const owners = await as(owner);
    const added = await ok(owners, 'add_memory', { text: 'Likes jazz', user_id: 'frank', infer: false });
    const id = added.results[0].id as string;
    const client = await as(reader);
    expect(await ok(client, 'get_memory', { memory_id: id })).toMatchObject({ memory: 'Likes jazz' });
    expect(
      (await ok(client, 'search_memories', { query: 'jazz', filters: { user_id: 'frank' } })).results,
    ).toHaveLength(1);
    const refused = { status: 403, error: { detail: 'You do not have permission to perform this action.' } };
    for (const [name, args] of [
      ['add_memory', { text: 'Likes rock', user_id: 'frank', infer: false }],
      ['update_memory', { memory_id: id, text: 'Likes rock' }],
      ['delete_memory', { memory_id: id }],
      ['delete_all_memories', { user_id: 'frank' }],
      ['delete_entities', { user_id: 'frank' }],
    ] as const) {
      expect(await call(client, name, args)).toEqual({ isError: true, body: refused });
    }
    expect(await t.prisma.memory.findMany({ where: { projectId: owner.projectId, userId: 'frank' } })).toEqual([
      expect.objectContaining({ id, memory: 'Likes jazz' }),
    ]);
  });

  it("answers not found for another project's memory and leaves it alone", async () => {
    const added = await ok(await as(owner), 'add_memory', { text: 'Owns a cat', user_id: 'gina', infer: false });
    const id = added.results[0].id as string;
    const client = await as(other);
    const notFound = { isError: true, body: { status: 404, error: { error: 'Memory not found!' } } };
    expect(await call(client, 'get_memory', { memory_id: id })).toEqual(notFound);
    expect(await call(client, 'update_memory', { memory_id: id, text: 'Owns a dog' })).toEqual(notFound);
    expect(await call(client, 'delete_memory', { memory_id: id })).toEqual(notFound);
    expect(await ok(client, 'search_memories', { query: 'cat', filters: { user_id: 'gina' } })).toEqual({
      results: [],
    });
    expect(await t.prisma.memory.findFirst({ where: { id } })).toMatchObject({ memory: 'Owns a cat' });
  });

  it('gives bad arguments a tool error and keeps serving', async () => {
    const client = await as(owner);
    expect(await call(client, 'get_memory', { memory_id: 42 })).toMatchObject({
      isError: true,
      body: expect.stringContaining('Input validation error'),
    });
    expect(await call(client, 'get_memory', { memory_id: 'nope' })).toEqual({
      isError: true,
      body: { status: 400, error: { error: 'memory_id should be a valid UUID' } },
    });
    expect(await call(client, 'search_memories', { query: 'x', filters: { user_id: { near: 1 } } })).toMatchObject({
      isError: true,
      body: { status: 400, error: { error: expect.any(String) } },
    });
    expect(
      await call(client, 'add_memory', { text: 'x', messages: [{ role: 'robot', content: 'beep' }] }),
    ).toMatchObject({ isError: true, body: { status: 400, error: { error: '400 Bad Request' } } });
    expect(await call(client, 'get_event_status', { event_id: 'missing' })).toMatchObject({
      isError: true,
      body: { status: 404 },
    });
    expect(await call(client, 'list_entities', { page: 99 })).toEqual({
      isError: true,
      body: { status: 404, error: { detail: 'Invalid page.' } },
    });
    expect((await client.listTools()).tools).toHaveLength(TOOL_NAMES.length);
  });

  it('authenticates with Bearer and X-API-Key too; no key or a wrong one is a 401', async () => {
    const schemes: Record<string, string>[] = [{ Authorization: `Bearer ${owner.key}` }, { 'X-API-Key': owner.key }];
    for (const headers of schemes) {
      const client = await connect(headers);
      expect((await client.listTools()).tools).toHaveLength(TOOL_NAMES.length);
    }
    const accept = { Accept: 'application/json, text/event-stream' };
    await request(t.http)
      .post('/mcp')
      .set(accept)
      .send(INITIALIZE)
      .expect(401, { detail: 'Authentication credentials were not provided.' });
    await request(t.http).post('/mcp').set(accept).set('Authorization', 'Token m0-wrong').send(INITIALIZE).expect(401);
    await expect(connect({})).rejects.toMatchObject({ code: 401 });
    await expect(connect({ Authorization: 'Token m0-wrong' })).rejects.toMatchObject({ code: 401 });
  });

  it('answers the stateless transport rules over plain HTTP', async () => {
    const accept = { Accept: 'application/json, text/event-stream' };
    const response = await request(t.http).post('/mcp').set(rest(owner)).set(accept).send(INITIALIZE).expect(200);
    expect(response.body).toMatchObject({ jsonrpc: '2.0', id: 1, result: { serverInfo: { name: 'mem0' } } });
    expect(response.headers['x-ratelimit-limit']).toBeDefined();
    expect(response.headers['x-request-id']).toBeDefined();
    const notAllowed = { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null };
    await request(t.http).get('/mcp').set(rest(owner)).expect(405, notAllowed).expect('Allow', 'POST');
    await request(t.http).delete('/mcp').set(rest(owner)).expect(405, notAllowed);
    const empty = await request(t.http).post('/mcp').set(rest(owner)).set(accept).type('json').send('').expect(400);
    expect(empty.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
    const noAccept = await request(t.http).post('/mcp').set(rest(owner)).send(INITIALIZE).expect(406);
    expect(noAccept.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    const call = { jsonrpc: '2.0', id: 2, method: 'tools/call' };
    const params = { name: 'add_memory', arguments: { text: 'a\u0000b', user_id: 'nul', infer: false } };
    const unstorable = await request(t.http)
      .post('/mcp')
      .set(rest(owner))
      .set(accept)
      .send({ ...call, params });
    expect(unstorable.status).toBe(400);
    expect(await t.prisma.memory.count({ where: { projectId: owner.projectId, userId: 'nul' } })).toBe(0);
  });
});
