import request from 'supertest';
import { Role } from '@app/core';
import { eventually } from '../utils/events';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';
import { ReceivedRequest, verifyStandardSignature, WebhookReceiver } from '../utils/webhook-receiver';

interface DeliveryBody {
  delivery_id: string;
  status: string;
  attempt_count: number;
  attempts: { attempt: number; status_code: number | null; error: string | null; response_body: string | null }[];
  [key: string]: unknown;
}

/** Real deliveries from the in-process worker to a real HTTP receiver on loopback (allowed by config here). */
describe('webhooks: delivery, signing and retries', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    t = await createTestApp({
      worker: true,
      env: {
        WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_RETRY_BASE_MS: '50',
        WEBHOOK_DISPATCH_INTERVAL_MS: '100',
        WEBHOOK_TIMEOUT_MS: '2000',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  async function webhook(tenant: Tenant, path: string, eventTypes = ['memory_add']) {
    const response = await request(t.http)
      .post(`/api/v1/webhooks/projects/${tenant.projectId}/`)
      .set(as(tenant))
      .send({ name: path, url: receiver.url(path), event_types: eventTypes })
      .expect(201);
    return response.body as { webhook_id: string; secret: string };
  }

  async function addVerbatim(tenant: Tenant, content: string): Promise<string> {
    const response = await request(t.http)
      .post('/v3/memories/add/')
      .set(as(tenant))
      .send({ messages: [{ role: 'user', content }], user_id: 'u', infer: false })
      .expect(200);
    return response.body.results[0].id as string;
  }

  const received = (path: string, count: number) =>
    eventually(async () => (receiver.at(path).length >= count ? receiver.at(path) : undefined));

  async function deliveries(tenant: Tenant, webhookId: string): Promise<DeliveryBody[]> {
    const response = await request(t.http).get(`/api/v1/webhooks/${webhookId}/deliveries/`).set(as(tenant)).expect(200);
    return response.body.results as DeliveryBody[];
  }

  const settled = (tenant: Tenant, webhookId: string, status: string) =>
    eventually(async () => {
      const [latest] = await deliveries(tenant, webhookId);
      return latest?.status === status ? latest : undefined;
    });

  it('posts memory_add with Standard Webhooks signature, the X-Mem0 headers and the documented payload', async () => {
    const tenant = await t.newTenant('whsign');
    const hook = await webhook(tenant, '/signed');
    const memoryId = await addVerbatim(tenant, 'My favourite colour is teal.');
    const [delivered] = await received('/signed', 1);

    expect(verifyStandardSignature(hook.secret, delivered)).toBe(true);
    expect(verifyStandardSignature(hook.secret, { ...delivered, body: `${delivered.body} ` })).toBe(false);
    const timestamp = Number(delivered.headers['webhook-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(30);
    expect(delivered.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Mem0-Webhooks/1.0',
      'x-mem0-event': 'memory_add',
      'x-mem0-webhook-id': hook.webhook_id,
      'x-mem0-delivery-id': delivered.headers['webhook-id'],
      'x-mem0-timestamp': String(timestamp),
      'x-mem0-signature': expect.stringMatching(/^sha256=[0-9a-f]{64}$/),
    });
    expect(JSON.parse(delivered.body)).toEqual({
      event_details: expect.objectContaining({
        id: memoryId,
        data: { memory: 'My favourite colour is teal.' },
        event: 'ADD',
        user_id: 'u',
        project_id: tenant.projectId,
      }),
    });
    const [log] = await deliveries(tenant, hook.webhook_id);
    expect(log).toMatchObject({ delivery_id: delivered.headers['webhook-id'], status: 'succeeded', attempt_count: 1 });
    expect(log.attempts).toEqual([expect.objectContaining({ attempt: 1, status_code: 200, error: null })]);
  });

  it('retries a 500 under the same webhook-id and logs both attempts', async () => {
    const tenant = await t.newTenant('whretry');
    const hook = await webhook(tenant, '/flaky');
    receiver.script('/flaky', 500);
    await addVerbatim(tenant, 'I run every Tuesday.');
    const [first, second] = await received('/flaky', 2);
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.body).toBe(first.body);
    expect(verifyStandardSignature(hook.secret, second)).toBe(true);

    const log = await settled(tenant, hook.webhook_id, 'succeeded');
    expect(log.attempt_count).toBe(2);
    expect(log.attempts.map((attempt) => attempt.status_code)).toEqual([500, 200]);
    expect(log.attempts[0].response_body).toBe('answered 500');
  });

  it('waits at least as long as Retry-After asks', async () => {
    const tenant = await t.newTenant('whslow');
    await webhook(tenant, '/busy');
    receiver.script('/busy', { status: 429, headers: { 'Retry-After': '1' } });
    await addVerbatim(tenant, 'I collect stamps.');
    const [first, second] = await received('/busy', 2);
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
  });

  it('stops after a 4xx other than 408/429, with one attempt', async () => {
    const tenant = await t.newTenant('whfinal');
    const hook = await webhook(tenant, '/rejects');
    receiver.script('/rejects', 400, 400);
    await addVerbatim(tenant, 'I speak Portuguese.');
    const log = await settled(tenant, hook.webhook_id, 'failed');
    expect(log).toMatchObject({ attempt_count: 1, last_status_code: 400, next_attempt_at: null });
    expect(log.attempts).toHaveLength(1);
    expect(receiver.at('/rejects')).toHaveLength(1);
  });

  it('switches the webhook off on 410 Gone; it then receives nothing', async () => {
    const tenant = await t.newTenant('whgone');
    const gone = await webhook(tenant, '/gone');
    await webhook(tenant, '/witness');
    receiver.script('/gone', 410);
    await addVerbatim(tenant, 'I play the cello.');
    await settled(tenant, gone.webhook_id, 'failed');
    const listed = await request(t.http).get(`/api/v1/webhooks/projects/${tenant.projectId}/`).set(as(tenant));
    const shown = listed.body.find((item: { webhook_id: string }) => item.webhook_id === gone.webhook_id);
    expect(shown.is_active).toBe(false);
    const row = await t.prisma.webhook.findUniqueOrThrow({ where: { id: gone.webhook_id } });
    expect(row.disabledReason).toMatch(/410 Gone/);

    await addVerbatim(tenant, 'I also play the piano.');
    await received('/witness', 2);
    expect(receiver.at('/gone')).toHaveLength(1);
    expect(await deliveries(tenant, gone.webhook_id)).toHaveLength(1);
  });

  it('redelivers with the same webhook-id, owners only', async () => {
    const tenant = await t.newTenant('whredo');
    const reader = await t.newMember(tenant.projectId, Role.READER, 'whredoreader');
    const hook = await webhook(tenant, '/again');
    await addVerbatim(tenant, 'I grow tomatoes.');
    const [original] = await received('/again', 1);
    const { delivery_id: deliveryId } = await settled(tenant, hook.webhook_id, 'succeeded');
    const path = `/api/v1/webhooks/${hook.webhook_id}/deliveries/${deliveryId}/redeliver/`;

    const refused = await request(t.http).post(path).set(as(reader)).expect(403);
    expect(refused.body).toEqual({ error: "You don't have access to this webhook" });
    const missing = `/api/v1/webhooks/${hook.webhook_id}/deliveries/${hook.webhook_id}/redeliver/`;
    expect((await request(t.http).post(missing).set(as(tenant)).expect(404)).body).toEqual({
      error: 'Delivery not found',
    });

    const accepted = await request(t.http).post(path).set(as(tenant)).expect(202);
    expect(accepted.body).toEqual({ message: 'Redelivery queued', delivery_id: deliveryId });
    const [, resent] = await received('/again', 2);
    expect(resent.headers['webhook-id']).toBe(original.headers['webhook-id']);
    expect(resent.body).toBe(original.body);
    expect(verifyStandardSignature(hook.secret, resent)).toBe(true);
    const log = await eventually(async () => {
      const [latest] = await deliveries(reader, hook.webhook_id);
      return latest.status === 'succeeded' && latest.attempt_count === 2 ? latest : undefined;
    });
    expect(log.attempts.map((attempt) => attempt.attempt)).toEqual([1, 2]);
  });

  it('keeps a retrying delivery for its next attempt: Retry-After sets it, redelivery waits (409)', async () => {
    const tenant = await t.newTenant('whbusy');
    const hook = await webhook(tenant, '/later');
    receiver.script('/later', { status: 503, headers: { 'Retry-After': '120' } });
    await addVerbatim(tenant, 'I sail on weekends.');
    const log = await settled(tenant, hook.webhook_id, 'retrying');
    expect(log).toMatchObject({ attempt_count: 1, last_status_code: 503 });
    expect(Date.parse(log.next_attempt_at as string) - Date.now()).toBeGreaterThan(100_000);
    const path = `/api/v1/webhooks/${hook.webhook_id}/deliveries/${log.delivery_id}/redeliver/`;
    const busy = await request(t.http).post(path).set(as(tenant)).expect(409);
    expect(busy.body).toEqual({ error: 'Delivery is still being attempted.' });
  });

  it("sends only subscribed event types, and only to the memory's project", async () => {
    const tenant = await t.newTenant('whscope');
    const other = await t.newTenant('whscopeother');
    await webhook(tenant, '/deletes', ['memory:delete']);
    await webhook(tenant, '/adds', ['memory_add']);
    await webhook(other, '/elsewhere', ['memory_add', 'memory_update', 'memory_delete', 'memory_categorize']);
    const memoryId = await addVerbatim(tenant, 'I am learning Rust.');
    await request(t.http).delete(`/v1/memories/${memoryId}/`).set(as(tenant)).expect(200);

    const [deleted] = await received('/deletes', 1);
    expect(deleted.headers['x-mem0-event']).toBe('memory_delete');
    expect(JSON.parse(deleted.body).event_details).toMatchObject({
      id: memoryId,
      event: 'DELETE',
      data: { memory: 'I am learning Rust.' },
    });
    await received('/adds', 1);
    // Both outbox rows have been dispatched by now (the delete's delivery arrived), so nothing else is coming.
    await eventually(async () =>
      (await t.prisma.webhookOutbox.count({ where: { projectId: tenant.projectId, dispatchedAt: null } })) === 0
        ? true
        : undefined,
    );
    const events = (path: string) => receiver.at(path).map((item: ReceivedRequest) => item.headers['x-mem0-event']);
    expect(events('/deletes')).toEqual(['memory_delete']);
    expect(events('/adds')).toEqual(['memory_add']);
    expect(receiver.at('/elsewhere')).toEqual([]);
  });

  it('sends memory_categorize with its event id and time: two categorisations of a memory never share a body', async () => {
    const tenant = await t.newTenant('whcategorize');
    await webhook(tenant, '/categorized', ['memory_categorize']);
    const added = await request(t.http)
      .post('/v3/memories/add/')
      .set(as(tenant))
      .send({ messages: [{ role: 'user', content: 'I bake bread on Sundays.' }], user_id: 'u', infer: false })
      .expect(200);
    const memoryId = added.body.results[0].id as string;
    const [first] = await received('/categorized', 1);
    const text = 'I bake sourdough bread on Sundays.';
    await request(t.http).put(`/v1/memories/${memoryId}/`).set(as(tenant)).send({ text }).expect(200);
    const [, second] = await received('/categorized', 2);

    const details = (delivery: ReceivedRequest) => JSON.parse(delivery.body).event_details as Record<string, unknown>;
    const expected = (eventId: string | null) => ({
      event: 'CATEGORIZE',
      memory_id: memoryId,
      categories: expect.any(Array),
      project_id: tenant.projectId,
      event_id: eventId,
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    // The add's categorisation belongs to its event; an update's, like its memory_update, to none.
    expect(details(first)).toEqual(expected(added.body.event_id as string));
    expect(details(second)).toEqual(expected(null));
    expect(Date.parse(details(second).timestamp as string)).toBeGreaterThan(
      Date.parse(details(first).timestamp as string),
    );
    expect(second.body).not.toBe(first.body);
  });
});
