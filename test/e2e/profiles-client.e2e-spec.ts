import { randomUUID } from 'node:crypto';
import type { MemoryClient as Client, ProfileJobStatus } from 'mem0ai';
import request from 'supertest';
import { eventually } from '../utils/events';
import { queuesIdle } from '../utils/queues';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

/** The published npm client (mem0ai 3.3.1) against the server on a real port: its profile methods end to end. */
describe('mem0ai profiles against this server', () => {
  let t: TestApp;
  let a: Tenant;
  let client: Client;
  let MemoryNotFoundError: new (...args: never[]) => Error;

  const schema = {
    type: 'object',
    properties: {
      full_name: { type: ['string', 'null'], description: "The user's full name" },
      homeCity: { type: ['string', 'null'], description: 'The city where the user lives' },
    },
  };

  beforeAll(async () => {
    // Read once when the client module loads: it would otherwise post usage events to PostHog.
    process.env.MEM0_TELEMETRY = 'false';
    const mem0 = await import('mem0ai');
    MemoryNotFoundError = mem0.MemoryNotFoundError;
    t = await createTestApp({ worker: true });
    a = await t.newTenant('profiles-client');
    for (const [user, texts] of Object.entries({
      alice: ['Name is Alice Smith', 'Lives in Berlin', 'Loves hiking on weekends'],
      bob: ['Name is Bob Brown', 'Lives in Leeds', 'Plays the drums'],
    })) {
      for (const text of texts) {
        await request(t.http)
          .post('/v3/memories/add/')
          .set('Authorization', `Token ${a.key}`)
          .send({ messages: text, user_id: user, infer: false })
          .expect(200);
      }
    }
    await queuesIdle(t);
    await t.app.listen(0, '127.0.0.1');
    client = new mem0.MemoryClient({ apiKey: a.key, host: await t.app.getUrl() });
  });
  afterAll(() => t.close());

  const finished = (statusUrl: string) =>
    eventually(async () => {
      const { job } = await client.getProfileJob(statusUrl);
      return job.status === 'queued' || job.status === 'running' ? undefined : job;
    });

  it('reads and writes settings, keeping the schema property names verbatim', async () => {
    expect(await client.getProfileSettings()).toEqual({
      enabled: false,
      entities: { user: { schema: null, customInstructions: null } },
      capabilities: { entityTypes: ['user'], operations: ['trigger', 'sample'], minMemories: 3, sampleLimitMax: 10 },
    });
    const written = await client.updateProfileSettings({ enabled: true, schema, customInstructions: 'Be brief.' });
    expect(written).toMatchObject({ enabled: true, entities: { user: { schema, customInstructions: 'Be brief.' } } });
    expect((await client.getProfileSettings()).entities?.user?.schema).toEqual(schema);
  });

  it('generates a profile, polls its job and reads it; a retried request gets the same job', async () => {
    const idempotencyKey = randomUUID();
    const created = await client.generateProfile({ entityId: 'alice', idempotencyKey });
    expect(created).toEqual({
      jobId: expect.any(String),
      status: 'queued',
      statusUrl: `/v2/profiles/jobs/${created.jobId}/`,
      operation: 'trigger',
      entityType: 'user',
      entityCountReserved: 1,
      eventId: null,
      replayed: false,
    });
    expect(await client.generateProfile({ entityId: 'alice', idempotencyKey })).toEqual({ ...created, replayed: true });
    const job: ProfileJobStatus['job'] = await finished(created.statusUrl);
    expect(job).toMatchObject({ id: created.jobId, status: 'succeeded', total: 1, enumerationComplete: true });
    expect((await client.getProfileJob(created.jobId)).job.succeeded).toBe(1);

    expect(await client.getProfile({ entityId: 'alice' })).toEqual({
      profile: { full_name: 'Alice Smith', homeCity: 'Berlin' },
      status: 'succeeded',
      entityType: 'user',
      entityId: 'alice',
      updatedAt: expect.any(String),
      generationCount: 1,
      error: null,
    });
    await expect(client.getProfile({ entityId: 'nobody' })).rejects.toBeInstanceOf(MemoryNotFoundError);
  });

  it('samples users and reads each sampled profile', async () => {
    const sampled = await client.sampleProfiles({ limit: 2 });
    expect(sampled).toMatchObject({ operation: 'sample', sampled: 2 });
    expect([...(sampled.entityIds ?? [])].sort()).toEqual(['alice', 'bob']);
    expect(await finished(sampled.statusUrl)).toMatchObject({ succeeded: 2, completed: 2 });
    const bob = await client.getProfile({ entityId: 'bob' });
    expect(bob).toMatchObject({
      status: 'succeeded',
      profile: { full_name: 'Bob Brown', homeCity: 'Leeds' },
    });
  });
});
