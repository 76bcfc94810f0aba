import request from 'supertest';
import { Role } from '@app/core';
import { AdminService } from '@app/tenancy';
import { eventually, waitForEvent } from '../utils/events';
import { queuesIdle } from '../utils/queues';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';
import { WebhookReceiver } from '../utils/webhook-receiver';

/** What the official clients read back: ids kept by `fields`, snake_case events, values in exports, honest categories, members. */
describe('wire details the official clients depend on', () => {
  let t: TestApp;
  let a: Tenant;
  let receiver: WebhookReceiver;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });
  const addVerbatim = (tenant: Tenant, user: string, texts: string[]) =>
    request(t.http)
      .post('/v1/memories/')
      .set(as(tenant))
      .send({ messages: texts.map((content) => ({ role: 'user', content })), user_id: user, infer: false })
      .expect(200);

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    t = await createTestApp({
      worker: true,
      env: { WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_DISPATCH_INTERVAL_MS: '100' },
    });
    a = await t.newTenant('wire');
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('search with `fields` keeps each result its id', async () => {
    await addVerbatim(a, 'fields', ['Loves hiking in the Alps']);
    await queuesIdle(t);
    const fields = ['memory', 'categories'];
    for (const [path, body] of [
      ['/v3/memories/search/', { query: 'hiking', filters: { user_id: 'fields' }, fields }],
      ['/v2/memories/search/', { query: 'hiking', filters: { user_id: 'fields' }, fields }],
    ] as const) {
      const found = await request(t.http).post(path).set(as(a)).send(body).expect(200);
      const results = Array.isArray(found.body) ? found.body : found.body.results;
      expect(results).toEqual([
        { id: expect.any(String), memory: 'Loves hiking in the Alps', categories: ['hobbies'] },
      ]);
    }
  });

  it('answers event payloads and webhook bodies in snake_case, old camelCase rows included', async () => {
    await request(t.http)
      .post('/api/v1/webhooks/projects/' + a.projectId + '/')
      .set(as(a))
      .send({ name: 'events', url: receiver.url('/events'), event_types: ['memory_add'] })
      .expect(201);
    const queued = await request(t.http)
      .post('/v3/memories/add/')
      .set(as(a))
      .send({
        messages: 'I play the cello.',
        user_id: 'snake',
        metadata: { sourceApp: 'notes' },
        expiration_date: '2099-01-01',
      })
      .expect(200);
    await waitForEvent(t, a.key, queued.body.event_id);
    const event = await request(t.http).get(`/v1/event/${queued.body.event_id}/`).set(as(a)).expect(200);
    expect(event.body.payload).toMatchObject({
      scope: { user_id: 'snake', agent_id: null, app_id: null, run_id: null },
      expiration_date: '2099-01-01',
      custom_categories: null,
      // The caller's own keys stay as sent.
      metadata: { sourceApp: 'notes' },
    });
    const { metadata: _metadata, messages: _messages, ...ours } = event.body.payload;
    expect(JSON.stringify(ours)).not.toMatch(/"[a-z]+[A-Z]\w*":/);
    const listed = await request(t.http).get('/v1/events/').set(as(a)).expect(200);
    const same = listed.body.results.find((row: { id: string }) => row.id === queued.body.event_id);
    expect(same.payload).toEqual(event.body.payload);

    const old = await t.prisma.event.create({
      data: {
        projectId: a.projectId,
        eventType: 'DELETE_USER',
        status: 'SUCCEEDED',
        payload: { scope: { userId: 'legacy', agentId: null }, entity: { type: 'user', name: 'legacy' } },
      },
    });
    const legacy = await request(t.http).get(`/v1/event/${old.id}/`).set(as(a)).expect(200);
    expect(legacy.body.payload).toEqual({
      scope: { user_id: 'legacy', agent_id: null },
      entity: { type: 'user', name: 'legacy' },
    });

    const [delivery] = await eventually(async () =>
      receiver.at('/events').length ? receiver.at('/events') : undefined,
    );
    expect(JSON.parse(delivery.body).event_details).toMatchObject({ user_id: 'snake', event: 'ADD' });
  });

  it('exports values, not sentences, and fills arrays from memories that name the field another way', async () => {
    await addVerbatim(a, 'traveller', [
      'My favourite city is Lisbon.',
      'I am allergic to peanuts.',
      'My cat is named Miso.',
    ]);
    const schema = {
      type: 'object',
      properties: {
        favourite_city: { type: ['string', 'null'] },
        allergies: { type: 'array', items: { type: 'string' } },
        pets: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
      },
    };
    const created = await request(t.http)
      .post('/v1/exports/')
      .set(as(a))
      .send({ schema, filters: { user_id: 'traveller' } })
      .expect(201);
    const done = await eventually(async () => {
      const read = await request(t.http)
        .post('/v1/exports/get/')
        .set(as(a))
        .send({ memory_export_id: created.body.id });
      return read.status === 200 ? read.body : undefined;
    });
    expect(done).toEqual({ favourite_city: 'Lisbon', allergies: ['peanuts'], pets: [{ name: 'Miso' }] });
  });

  it('files a memory under a custom category only when it is like it', async () => {
    const b = await t.newTenant('categories');
    await request(t.http)
      .patch(`/api/v1/orgs/organizations/${b.orgId}/projects/${b.projectId}/`)
      .set(as(b))
      .send({ custom_categories: [{ travel: 'Trips, flights, hotels and places to visit' }] })
      .expect(200);
    await addVerbatim(b, 'u', ['My cat is named Miso.', 'Booked a flight to Tokyo for the spring trip.']);
    await queuesIdle(t);
    const rows = await t.prisma.memory.findMany({ where: { projectId: b.projectId }, orderBy: { memory: 'asc' } });
    expect(rows.map((row) => [row.memory, row.categories])).toEqual([
      ['Booked a flight to Tokyo for the spring trip.', ['travel']],
      ['My cat is named Miso.', []],
    ]);
  });

  it('adds a project member who is not in the org yet to the org too, as READER', async () => {
    const newcomer = `newcomer-${Date.now()}@example.com`;
    await t.app.get(AdminService).createUser(newcomer);
    const members = `/api/v1/orgs/organizations/${a.orgId}/projects/${a.projectId}/members/`;
    await request(t.http)
      .post(members)
      .set(as(a))
      .send({ email: newcomer, role: 'READER' })
      .expect(200, { message: 'User added to the project successfully.' });
    const project = await request(t.http).get(members).set(as(a)).expect(200);
    expect(project.body.members).toEqual(
      expect.arrayContaining([expect.objectContaining({ email: newcomer, role: Role.READER })]),
    );
    const org = await request(t.http).get(`/api/v1/orgs/organizations/${a.orgId}/members/`).set(as(a)).expect(200);
    expect(org.body.members).toEqual(
      expect.arrayContaining([expect.objectContaining({ email: newcomer, role: Role.READER })]),
    );
    await request(t.http)
      .post(members)
      .set(as(a))
      .send({ email: 'nobody-at-all@example.com', role: 'READER' })
      .expect(404, { message: 'User not found.' });
  });
});
