import request from 'supertest';
import { Role } from '@app/core';
import { eventually } from '../utils/events';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

describe('schema-shaped exports (POST /v1/exports/, POST /v1/exports/get/; offline provider, real worker)', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  const schema = {
    title: 'Profile',
    type: 'object',
    properties: {
      full_name: { title: 'Full Name', type: 'string' },
      city: { anyOf: [{ type: 'string' }, { type: 'null' }], default: null, description: 'Where the user lives' },
      hobbies: { type: 'array', items: { type: 'string' } },
      is_vegetarian: { anyOf: [{ type: 'boolean' }, { type: 'null' }], default: null },
    },
    required: ['full_name', 'hobbies'],
  };

  beforeAll(async () => {
    t = await createTestApp({ worker: true });
    a = await t.newTenant('export-a');
    b = await t.newTenant('export-b');
    // Oldest first: "Lives in Berlin" is alice's latest city.
    for (const text of ['Lives in Paris', 'Name is Alice Smith', 'Loves hiking on weekends', 'Lives in Berlin']) {
      await add(a, text, 'alice');
    }
    await add(a, 'Is vegetarian', 'bob');
    await add(b, 'Name is Mallory', 'alice');
  });
  afterAll(() => t.close());

  async function add(tenant: Tenant, text: string, userId: string) {
    await request(t.http)
      .post('/v3/memories/add/')
      .set(as(tenant))
      .send({ messages: text, user_id: userId, infer: false })
      .expect(200);
    // Distinct created_at values keep "newest first" unambiguous.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }

  const create = (tenant: Tenant, body: Record<string, unknown>) =>
    request(t.http).post('/v1/exports/').set(as(tenant)).send(body);
  const read = (tenant: Tenant, body: Record<string, unknown>) =>
    request(t.http).post('/v1/exports/get/').set(as(tenant)).send(body);

  /** Polls the read route as a client would, until the export is no longer pending. */
  const finished = (tenant: Tenant, body: Record<string, unknown>) =>
    eventually(async () => {
      const response = await read(tenant, body);
      return response.status === 202 ? undefined : response;
    });

  it('builds the export on the worker and serves the object itself, by id and by filters', async () => {
    const created = await create(a, { schema, filters: { user_id: 'alice' } }).expect(201);
    expect(created.body).toEqual({
      message: 'Memory export request received. The export will be ready in a few seconds.',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const done = await finished(a, { memory_export_id: created.body.id });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({
      full_name: 'Alice Smith',
      city: 'Berlin',
      hobbies: ['hiking'],
      is_vegetarian: null,
    });
    const row = await t.prisma.memoryExport.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row).toMatchObject({ status: 'SUCCEEDED', error: null, filters: { user_id: 'alice' } });
    expect(row.completedAt).toBeInstanceOf(Date);

    // The same entity ids, flat or structured, find it; without the trailing slash too.
    for (const filters of [
      { user_id: 'alice' },
      { AND: [{ user_id: 'alice' }, { created_at: { gte: '2020-01-01' } }] },
    ]) {
      await read(a, { filters }).expect(200, done.body);
    }
    await request(t.http).post('/v1/exports/get').set(as(a)).send({ user_id: 'alice' }).expect(200, done.body);
    await read(a, { filters: { user_id: 'carol' } }).expect(404, { error: 'No memory export request found' });
  });

  it('merges top-level entity keys into filters and uses only the matching memories of the project', async () => {
    const created = await create(a, {
      schema: JSON.stringify(schema),
      user_id: 'bob',
      export_instructions: 'Be brief.',
    }).expect(201);
    const done = await finished(a, { memory_export_id: created.body.id });
    expect(done.body).toEqual({ full_name: '', city: null, hobbies: [], is_vegetarian: true });
    const row = await t.prisma.memoryExport.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row).toMatchObject({ filters: { user_id: 'bob' }, instructions: 'Be brief.' });

    // Tenant b's alice is another person: b's export sees only b's memories.
    const theirs = await create(b, { schema, filters: { AND: [{ user_id: 'alice' }] } }).expect(201);
    expect((await finished(b, { memory_export_id: theirs.body.id })).body.full_name).toBe('Mallory');
    // And a's export ids are not b's to read.
    await read(b, { memory_export_id: created.body.id }).expect(404, { error: 'No memory export request found' });
  });

  it('ends FAILED with the validation error when the memories cannot satisfy the schema', async () => {
    const strict = { type: 'object', properties: { age: { type: 'integer' } }, required: ['age'] };
    const created = await create(a, { schema: strict, filters: { user_id: 'alice' } }).expect(201);
    const done = await finished(a, { memory_export_id: created.body.id });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({
      id: created.body.id,
      status: 'FAILED',
      error: "The export does not match the schema: export must have required property 'age'",
    });
  });

  it('answers 202 with the status while the export is pending or running', async () => {
    for (const status of ['PENDING', 'RUNNING']) {
      const row = await t.prisma.memoryExport.create({
        data: { projectId: a.projectId, schema, filters: { run_id: `run-${status}` }, status },
      });
      const expected = { id: row.id, status, message: 'Memory export is still being processed.' };
      await read(a, { memory_export_id: row.id }).expect(202, expected);
      await read(a, { filters: { run_id: `run-${status}` } }).expect(202, expected);
    }
  });

  it('lets READER keys read exports but not create them (403, nothing queued)', async () => {
    const reader = await t.newMember(a.projectId, Role.READER, 'export-reader');
    const before = await t.prisma.memoryExport.count({ where: { projectId: a.projectId } });
    await create(reader, { schema, filters: { user_id: 'alice' } }).expect(403, {
      detail: 'You do not have permission to perform this action.',
    });
    expect(await t.prisma.memoryExport.count({ where: { projectId: a.projectId } })).toBe(before);
    await read(reader, { memory_export_id: '00000000-0000-4000-8000-000000000000' }).expect(404);
  });

  it('refuses bad requests with the platform’s bodies', async () => {
    const required = { message: 'Schema is required and must be a valid object' };
    for (const bad of [undefined, 'not json', [], {}, { type: 'array', items: {} }]) {
      await create(a, { schema: bad, filters: { user_id: 'alice' } }).expect(400, required);
    }
    const invalid = await create(a, {
      schema: { type: 'object', properties: { x: { type: 'strin' } } },
      filters: { user_id: 'alice' },
    }).expect(400);
    expect(invalid.body.message).toMatch(/^Schema is required and must be a valid object: schema is invalid/);

    const scope = { error: 'One of the filters: app_id, user_id, agent_id, run_id, memory_export_id is required!' };
    await create(a, { schema }).expect(400, scope);
    await create(a, { schema, filters: { created_at: { gte: '2026-01-01' } } }).expect(400, scope);
    await create(a, { schema, filters: { NOT: { user_id: 'alice' } } }).expect(400, scope);
    const unknownKey = await create(a, { schema, filters: { user: 'alice' } }).expect(400);
    expect(unknownKey.body.error).toMatch(/^Top-level key must be a logical operator or an allowed field/);
    await create(a, { schema, filters: 'user_id=alice' }).expect(400, { error: 'filters must be an object' });

    const readScope = { message: 'One of the filters: app_id, user_id, agent_id, run_id is required!' };
    await read(a, {}).expect(400, readScope);
    await read(a, { filters: { created_at: { gte: '2026-01-01' } } }).expect(400, readScope);
    const notFound = { error: 'No memory export request found' };
    await read(a, { memory_export_id: '00000000-0000-4000-8000-000000000000' }).expect(404, notFound);
    await read(a, { memory_export_id: 'not-a-uuid' }).expect(404, notFound);
  });
});
