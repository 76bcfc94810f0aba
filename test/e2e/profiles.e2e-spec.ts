import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { PERMISSION_DENIED, Role } from '@app/core';
import { PROFILES_DISABLED } from '@app/memories';
import { eventually } from '../utils/events';
import { queuesIdle } from '../utils/queues';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

type Body = Record<string, unknown>;

describe('user profiles (/v2/profiles/, /v2/entities/user/{id}/profile/; offline provider, real worker)', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let reader: Tenant;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  // Property names in both casings: they must come back exactly as written.
  const schema = {
    type: 'object',
    properties: {
      fullName: { type: ['string', 'null'], description: "The user's full name" },
      home_city: { type: ['string', 'null'], description: 'The city where the user lives' },
      hobbies: { type: 'array', items: { type: 'string' }, description: 'Activities the user loves doing' },
    },
  };

  beforeAll(async () => {
    t = await createTestApp({ worker: true });
    a = await t.newTenant('profiles-a');
    b = await t.newTenant('profiles-b');
    reader = await t.newMember(a.projectId, Role.READER, 'profiles-reader');
    // Profiles are off while the memories arrive: nothing is generated before a test asks.
    await add(a, 'alice', ['Lives in Paris', 'Name is Alice Smith', 'Loves hiking on weekends', 'Lives in Berlin']);
    await add(a, 'bob', ['Likes tea', 'Plays chess']);
    await add(a, 'carol', ['Name is Carol Jones', 'Lives in Rome', 'Loves painting']);
    await add(a, 'grace', ['Name is Grace Hopper', 'Lives in New York', 'Loves sailing']);
    await add(b, 'mallory', ['Name is Mallory', 'Lives in Oslo', 'Loves skiing']);
    await queuesIdle(t);
  });
  afterAll(() => t.close());

  async function add(tenant: Tenant, userId: string, texts: string[]) {
    for (const text of texts) {
      await request(t.http)
        .post('/v3/memories/add/')
        .set(as(tenant))
        .send({ messages: text, user_id: userId, infer: false })
        .expect(200);
      // Distinct created_at values keep "newest first" unambiguous.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  const writeSettings = (tenant: Tenant, body: Body) =>
    request(t.http).post('/v2/profiles/settings/').set(as(tenant)).send(body);
  const createJob = (tenant: Tenant, body: Body, key: string | null = randomUUID()) => {
    const call = request(t.http).post('/v2/profiles/jobs/').set(as(tenant));
    return (key === null ? call : call.set('Idempotency-Key', key)).send(body);
  };
  const readJob = (tenant: Tenant, path: string) => request(t.http).get(path).set(as(tenant));
  const readProfile = (tenant: Tenant, userId: string) =>
    request(t.http)
      .get(`/v2/entities/user/${encodeURIComponent(userId)}/profile/`)
      .set(as(tenant));
  const trigger = (tenant: Tenant, userId: string) =>
    createJob(tenant, { operation: 'trigger', entity_type: 'user', entity_id: userId }).expect(202);

  /** Polls the job's status_url as a client would, until it has finished. */
  const finished = (tenant: Tenant, statusUrl: string) =>
    eventually(async () => {
      const job = (await readJob(tenant, statusUrl).expect(200)).body.job as Body;
      return job.status === 'queued' || job.status === 'running' ? undefined : job;
    });

  it('serves settings: defaults, partial updates, schema names verbatim, a project of its own', async () => {
    const defaults = {
      enabled: false,
      entities: { user: { schema: null, custom_instructions: null } },
      capabilities: {
        entity_types: ['user'],
        operations: ['trigger', 'sample'],
        min_memories: 3,
        sample_limit_max: 10,
      },
    };
    await request(t.http).get('/v2/profiles/settings/').set(as(a)).expect(200, defaults);
    await writeSettings(a, { entities: { user: { schema } } }).expect(200, {
      ...defaults,
      entities: { user: { schema, custom_instructions: null } },
    });
    // Each write leaves the other settings as they were.
    await writeSettings(a, { enabled: true }).expect(200);
    const written = await writeSettings(a, { entities: { user: { custom_instructions: 'Be brief.' } } }).expect(200);
    const expected = { ...defaults, enabled: true, entities: { user: { schema, custom_instructions: 'Be brief.' } } };
    expect(written.body).toEqual(expected);
    await request(t.http).get('/v2/profiles/settings').set(as(reader)).expect(200, expected);
    await request(t.http).get('/v2/profiles/settings/').set(as(b)).expect(200, defaults);
  });

  it('refuses settings it cannot apply, naming the problem', async () => {
    const refusals: [Body, RegExp][] = [
      [{ schema }, /^Unsupported settings: schema\. .*under entities\.user/],
      [{ custom_instructions: 'x', enabled: true }, /^Unsupported settings: custom_instructions\./],
      [{ entities: { agent: { schema } } }, /^Unsupported entity type: agent/],
      [{ enabled: 'yes' }, /^enabled must be true or false/],
      [
        { entities: { user: { schema: { type: 'object', properties: { age: { type: 'integer' } } } } } },
        /^Invalid schema: every property needs a description; missing on age\.$/,
      ],
      [
        { entities: { user: { schema: { type: 'object', properties: { a: { type: 'strin', description: 'A' } } } } } },
        /^Invalid schema: schema is invalid/,
      ],
    ];
    for (const [body, detail] of refusals) {
      const refused = await writeSettings(a, body).expect(400);
      expect(refused.body).toEqual({ detail: expect.stringMatching(detail) });
    }
    expect((await request(t.http).get('/v2/profiles/settings/').set(as(a))).body.entities.user.schema).toEqual(schema);
  });

  it('refuses READER keys on writes with the write routes 403, and lets them read', async () => {
    const denied = { detail: PERMISSION_DENIED };
    await writeSettings(reader, { enabled: false }).expect(403, denied);
    await createJob(reader, { operation: 'trigger', entity_type: 'user', entity_id: 'alice' }).expect(403, denied);
    expect((await readProfile(reader, 'bob').expect(200)).body.status).toBe('insufficient_data');
  });

  it('refuses generation while profiles are off, and reads not_enabled', async () => {
    await createJob(b, { operation: 'trigger', entity_type: 'user', entity_id: 'mallory' }).expect(400, {
      detail: PROFILES_DISABLED,
    });
    await readProfile(b, 'mallory').expect(200, {
      profile: {},
      status: 'not_enabled',
      entity_type: 'user',
      entity_id: 'mallory',
      updated_at: null,
      generation_count: 0,
      error: null,
    });
  });

  it('triggers one user: the job is polled to succeeded and the profile is filled from their memories', async () => {
    const created = await trigger(a, 'alice');
    const jobId = created.body.job_id as string;
    expect(created.body).toEqual({
      job_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'queued',
      status_url: `/v2/profiles/jobs/${jobId}/`,
      operation: 'trigger',
      entity_type: 'user',
      entity_count_reserved: 1,
      event_id: null,
      replayed: false,
    });
    expect(await finished(a, created.body.status_url)).toEqual({
      id: jobId,
      operation: 'trigger',
      entity_type: 'user',
      status: 'succeeded',
      total: 1,
      enumeration_complete: true,
      completed: 1,
      succeeded: 1,
      failed: 0,
      skipped: 0,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      entities: [{ entity_id: 'alice', status: 'succeeded', error: null }],
    });
    const read = await readProfile(a, 'alice').expect(200);
    expect(read.body).toEqual({
      profile: { fullName: 'Alice Smith', home_city: 'Berlin', hobbies: ['hiking'] },
      status: 'succeeded',
      entity_type: 'user',
      entity_id: 'alice',
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*\+00:00$/),
      generation_count: 1,
      error: null,
    });

    // entity_id alone means a trigger; each generation counts.
    const again = await createJob(a, { entity_type: 'user', entity_id: 'alice' }).expect(202);
    expect(again.body.operation).toBe('trigger');
    await finished(a, again.body.status_url);
    expect((await readProfile(a, 'alice')).body.generation_count).toBe(2);
  });

  it('replays a request with the same Idempotency-Key: the same job, replayed: true, nothing started', async () => {
    const key = randomUUID();
    const body = { operation: 'trigger', entity_type: 'user', entity_id: 'carol' };
    const first = await createJob(a, body, key).expect(202);
    const second = await createJob(a, body, key).expect(202);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual({ ...first.body, replayed: true });
    await finished(a, first.body.status_url);
    expect(await t.prisma.profileJobEntity.count({ where: { projectId: a.projectId, entityId: 'carol' } })).toBe(1);
    await createJob(a, { ...body, entity_id: 'alice' }, key).expect(422, {
      detail: 'Idempotency-Key was already used with a different request.',
    });
  });

  it('refuses malformed generation requests and users it does not know', async () => {
    const trig = { operation: 'trigger', entity_type: 'user', entity_id: 'alice' };
    const refusals: [Body, string | null, RegExp][] = [
      [trig, null, /^An Idempotency-Key header of 8 to 128 characters is required/],
      [trig, 'short', /^An Idempotency-Key header of 8 to 128 characters is required/],
      [{ operation: 'rebuild', entity_type: 'user' }, randomUUID(), /^operation must be "trigger"/],
      [{ operation: 'sample' }, randomUUID(), /^entity_type is required/],
      [{ ...trig, entity_type: 'agent' }, randomUUID(), /^entity_type must be "user"/],
      [{ operation: 'trigger', entity_type: 'user' }, randomUUID(), /^entity_id is required/],
      [{ operation: 'sample', entity_type: 'user', limit: 11 }, randomUUID(), /^limit must be an integer from 1 to 10/],
    ];
    for (const [body, key, detail] of refusals) {
      const refused = await createJob(a, body, key).expect(400);
      expect(refused.body).toEqual({ detail: expect.stringMatching(detail) });
    }
    // Unknown here, or another project's user: 404.
    for (const user of ['nobody', 'mallory']) {
      await createJob(a, { ...trig, entity_id: user }).expect(404, { detail: 'Not found.' });
    }
  });

  it('samples users with enough memories and generates each of them', async () => {
    const sampled = await createJob(a, { operation: 'sample', entity_type: 'user', limit: 10 }).expect(202);
    // bob has two memories, below the threshold of three: not sampled.
    expect(sampled.body).toMatchObject({ operation: 'sample', sampled: 3, entity_count_reserved: 3 });
    expect([...(sampled.body.entity_ids as string[])].sort()).toEqual(['alice', 'carol', 'grace']);
    const job = await finished(a, sampled.body.status_url);
    expect(job).toMatchObject({ status: 'succeeded', total: 3, completed: 3, succeeded: 3, failed: 0, skipped: 0 });
    const one = await createJob(a, { operation: 'sample', entity_type: 'user', limit: 1 }).expect(202);
    expect(one.body).toMatchObject({ sampled: 1, entity_ids: [expect.stringMatching(/^(alice|carol|grace)$/)] });
    await finished(a, one.body.status_url);
  });

  it('reads insufficient_data below three memories, also after a trigger (the job skips the user)', async () => {
    const empty = { profile: {}, entity_type: 'user', entity_id: 'bob', updated_at: null, generation_count: 0 };
    await readProfile(a, 'bob').expect(200, { ...empty, status: 'insufficient_data', error: null });
    const job = await finished(a, (await trigger(a, 'bob')).body.status_url);
    expect(job).toMatchObject({ status: 'succeeded', completed: 1, succeeded: 0, skipped: 1 });
    expect(job.entities).toEqual([{ entity_id: 'bob', status: 'skipped', error: 'Fewer than 3 memories (2).' }]);
    await readProfile(a, 'bob').expect(200, { ...empty, status: 'insufficient_data', error: null });
  });

  it('reads pending while a generation waits, and queues the first one of a user who has none', async () => {
    const waiting = await t.prisma.profileJob.create({
      data: { projectId: a.projectId, operation: 'trigger', entityType: 'user' },
    });
    await t.prisma.profileJobEntity.create({
      data: { jobId: waiting.id, projectId: a.projectId, entityType: 'user', entityId: 'dave' },
    });
    await add(a, 'dave', ['Name is Dave', 'Lives in Lima', 'Loves surfing']);
    expect((await readProfile(a, 'dave').expect(200)).body).toMatchObject({ status: 'pending', generation_count: 0 });
    await t.prisma.profileJob.delete({ where: { id: waiting.id } });

    // erin crossed the threshold with no generation anywhere: reading her profile queues one.
    await writeSettings(a, { enabled: false }).expect(200);
    await add(a, 'erin', ['Name is Erin', 'Lives in Cork', 'Loves rowing']);
    await queuesIdle(t);
    await writeSettings(a, { enabled: true }).expect(200);
    expect((await readProfile(a, 'erin').expect(200)).body.status).toBe('pending');
    const done = await eventually(async () => {
      const body = (await readProfile(a, 'erin')).body as Body;
      return body.status === 'pending' ? undefined : body;
    });
    expect(done).toMatchObject({
      status: 'succeeded',
      profile: { fullName: 'Erin', home_city: 'Cork' },
    });
    expect(await t.prisma.profileJob.count({ where: { projectId: a.projectId, operation: 'auto' } })).toBeGreaterThan(
      0,
    );
  });

  it('reads failed with the reason when a generation fails, keeping the previous profile', async () => {
    const before = (await readProfile(a, 'alice')).body as Body;
    const strict = {
      ...schema,
      properties: { ...schema.properties, age: { type: 'integer', description: 'How old the user is' } },
      required: ['age'],
    };
    await writeSettings(a, { entities: { user: { schema: strict } } }).expect(200);
    const job = await finished(a, (await trigger(a, 'alice')).body.status_url);
    const reason = "The profile does not match the schema: profile must have required property 'age'";
    expect(job).toMatchObject({
      status: 'failed',
      failed: 1,
      entities: [{ entity_id: 'alice', status: 'failed', error: reason }],
    });
    await readProfile(a, 'alice').expect(200, { ...before, status: 'failed', error: reason });
    await writeSettings(a, { entities: { user: { schema } } }).expect(200);
  });

  it('reads not_enabled when profiles are switched off, with what was generated before', async () => {
    await writeSettings(a, { enabled: false }).expect(200);
    const read = await readProfile(a, 'carol').expect(200);
    expect(read.body).toMatchObject({ status: 'not_enabled', profile: { fullName: 'Carol Jones' } });
    await writeSettings(a, { enabled: true }).expect(200);
  });

  it('generates a profile by itself once an add takes a user to three memories', async () => {
    await add(a, 'henry', ['Name is Henry Ford', 'Lives in Detroit']);
    await queuesIdle(t);
    expect(await t.prisma.profile.count({ where: { projectId: a.projectId, entityId: 'henry' } })).toBe(0);
    await add(a, 'henry', ['Loves building cars']);
    const profile = await eventually(() =>
      t.prisma.profile
        .findFirst({ where: { projectId: a.projectId, entityId: 'henry', status: 'succeeded' } })
        .then((row) => row ?? undefined),
    );
    expect(profile.profile).toMatchObject({ fullName: 'Henry Ford', home_city: 'Detroit' });
    const auto = await t.prisma.profileJobEntity.findFirst({
      where: { projectId: a.projectId, entityId: 'henry' },
      include: { job: true },
    });
    expect(auto?.job.operation).toBe('auto');
  });

  it("answers 404 for unknown users and another project's users and jobs", async () => {
    const job = await trigger(a, 'carol');
    await finished(a, job.body.status_url);
    await readJob(b, job.body.status_url).expect(404, { detail: 'Not found.' });
    await readJob(a, '/v2/profiles/jobs/not-a-uuid/').expect(404, { detail: 'Not found.' });
    await readJob(a, `/v2/profiles/jobs/${randomUUID()}`).expect(404);
    await readProfile(a, 'nobody').expect(404, { detail: 'Not found.' });
    await readProfile(b, 'carol').expect(404);
    await readProfile(a, 'mallory').expect(404);
    await request(t.http).get('/v2/entities/agent/x/profile/').set(as(a)).expect(400);
  });

  it('deletes the profile with the user', async () => {
    await request(t.http).delete('/v2/entities/user/carol/').set(as(a)).expect(200);
    await eventually(async () => ((await readProfile(a, 'carol')).status === 404 ? true : undefined));
    expect(await t.prisma.profile.count({ where: { projectId: a.projectId, entityId: 'carol' } })).toBe(0);
  });
});
