import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Role } from '@app/core';
import { eventually } from '../utils/events';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';
import { WebhookReceiver } from '../utils/webhook-receiver';

/** Contract 9.5 routes, roles and validation, and the SSRF guard (on here: the default configuration). */
describe('webhooks: management and the SSRF guard', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let owner: Tenant;
  let reader: Tenant;
  let stranger: Tenant;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });
  const hook = { name: 'Memory Logger', url: 'https://hooks.example.invalid/mem0', event_types: ['memory_add'] };

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    t = await createTestApp({
      worker: true,
      env: { WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_DISPATCH_INTERVAL_MS: '100' },
    });
    owner = await t.newTenant('whowner');
    reader = await t.newMember(owner.projectId, Role.READER, 'whreader');
    stranger = await t.newTenant('whstranger');
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const create = (tenant: Tenant, body: Record<string, unknown>, projectId = tenant.projectId) =>
    request(t.http).post(`/api/v1/webhooks/projects/${projectId}/`).set(as(tenant)).send(body);

  it('creates a webhook, shows its secret once and lists it for every member', async () => {
    const created = await create(owner, { ...hook, project_id: owner.projectId }).expect(201);
    expect(created.body).toEqual({
      webhook_id: expect.any(String),
      name: 'Memory Logger',
      url: hook.url,
      event_types: ['memory_add'],
      owner: owner.email.split('@')[0],
      project: 'default-project',
      is_active: true,
      created_at: expect.stringMatching(/\+00:00$/),
      updated_at: expect.stringMatching(/\+00:00$/),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/),
    });
    expect(Buffer.from(created.body.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);

    for (const member of [owner, reader]) {
      const listed = await request(t.http).get(`/api/v1/webhooks/projects/${owner.projectId}/`).set(as(member));
      expect(listed.status).toBe(200);
      const { secret: _secret, ...shown } = created.body;
      expect(listed.body).toEqual([shown]);
    }
  });

  it('changes any field partially, and deletes', async () => {
    const { webhook_id: id } = (await create(owner, hook).expect(201)).body;
    const updated = await request(t.http)
      .put(`/api/v1/webhooks/${id}/`)
      .set(as(owner))
      .send({ event_types: ['memory_update', 'memory_delete'], is_active: false })
      .expect(200);
    expect(updated.body).toEqual({ message: 'Webhook updated successfully' });
    const row = await t.prisma.webhook.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ name: 'Memory Logger', url: hook.url, eventTypes: ['memory_update', 'memory_delete'] });
    expect(row.isActive).toBe(false);

    const deleted = await request(t.http).delete(`/api/v1/webhooks/${id}/`).set(as(owner)).expect(200);
    expect(deleted.body).toEqual({ message: 'Webhook deleted successfully' });
    const again = await request(t.http).delete(`/api/v1/webhooks/${id}/`).set(as(owner)).expect(404);
    expect(again.body).toEqual({ error: 'Webhook not found' });
  });

  it('answers field-keyed 400s in DRF wording', async () => {
    expect((await create(owner, {}).expect(400)).body).toEqual({
      name: ['This field is required.'],
      url: ['This field is required.'],
      event_types: ['This field is required.'],
    });
    const bad = async (body: Record<string, unknown>) => (await create(owner, { ...hook, ...body }).expect(400)).body;
    expect(await bad({ url: 'ftp://files.example.com/x' })).toEqual({ url: ['Enter a valid URL.'] });
    expect(await bad({ url: 'not a url' })).toEqual({ url: ['Enter a valid URL.'] });
    expect(await bad({ event_types: ['memory_add', 'memory_explode'] })).toEqual({
      event_types: ['"memory_explode" is not a valid choice.'],
    });
    expect(await bad({ event_types: [] })).toEqual({ event_types: ['This list may not be empty.'] });
    expect(await bad({ event_types: 'memory_add' })).toEqual({
      event_types: ['Expected a list of items but got type "str".'],
    });
    expect(await bad({ name: '  ' })).toEqual({ name: ['This field may not be blank.'] });
    expect(await bad({ is_active: 'maybe' })).toEqual({ is_active: ['Must be a valid boolean.'] });
    const { webhook_id: id } = (await create(owner, hook).expect(201)).body;
    const update = await request(t.http).put(`/api/v1/webhooks/${id}/`).set(as(owner)).send({ url: 'mailto:x@y.z' });
    expect(update.status).toBe(400);
    expect(update.body).toEqual({ url: ['Enter a valid URL.'] });
  });

  it('accepts camelCase keys and colon event names from older clients', async () => {
    const created = await create(owner, {
      name: 'legacy',
      url: hook.url,
      eventTypes: ['memory:add', 'memory:delete', 'memory_add'],
      projectId: owner.projectId,
    }).expect(201);
    expect(created.body.event_types).toEqual(['memory_add', 'memory_delete']);
    await request(t.http)
      .put(`/api/v1/webhooks/${created.body.webhook_id}/`)
      .set(as(owner))
      .send({ eventTypes: ['memory:update'] })
      .expect(200);
    const row = await t.prisma.webhook.findUniqueOrThrow({ where: { id: created.body.webhook_id } });
    expect(row.eventTypes).toEqual(['memory_update']);
  });

  it('lets only owners change webhooks, and hides other projects', async () => {
    const { webhook_id: id } = (await create(owner, hook).expect(201)).body;
    const refused = await create(reader, hook, owner.projectId).expect(403);
    expect(refused.body).toEqual({ error: "You don't have access to this project" });
    for (const send of [
      () => request(t.http).put(`/api/v1/webhooks/${id}/`).set(as(reader)).send({ name: 'x' }),
      () => request(t.http).delete(`/api/v1/webhooks/${id}/`).set(as(reader)),
    ]) {
      const response = await send();
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ error: "You don't have access to this webhook" });
    }
    for (const send of [
      () => request(t.http).put(`/api/v1/webhooks/${id}/`).set(as(stranger)).send({ name: 'x' }),
      () => request(t.http).delete(`/api/v1/webhooks/${id}/`).set(as(stranger)),
      () => request(t.http).get(`/api/v1/webhooks/${id}/deliveries/`).set(as(stranger)),
      () => request(t.http).put(`/api/v1/webhooks/not-a-uuid/`).set(as(owner)).send({ name: 'x' }),
    ]) {
      const response = await send();
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'Webhook not found' });
    }
    for (const projectId of [owner.projectId, randomUUID(), 'nope']) {
      const listed = await request(t.http).get(`/api/v1/webhooks/projects/${projectId}/`).set(as(stranger));
      expect(listed.status).toBe(403);
      expect(listed.body).toEqual({ error: "You don't have access to this project" });
      expect((await create(stranger, hook, projectId)).status).toBe(403);
    }
    expect((await t.prisma.webhook.findUniqueOrThrow({ where: { id } })).name).toBe('Memory Logger');
  });

  it('serves the aliases of the embedded curl samples', async () => {
    const tenant = await t.newTenant('whalias');
    const created = await request(t.http)
      .post(`/api/v1/webhooks/${tenant.projectId}/webhook/`)
      .set(as(tenant))
      .send(hook)
      .expect(201);
    const id = created.body.webhook_id;
    const listed = await request(t.http)
      .get(`/api/v1/webhooks/${tenant.projectId}/webhook`)
      .set(as(tenant))
      .expect(200);
    expect(listed.body.map((item: { webhook_id: string }) => item.webhook_id)).toEqual([id]);
    await request(t.http).put(`/api/v1/webhooks/${id}/webhook/`).set(as(tenant)).send({ name: 'renamed' }).expect(200);
    await request(t.http).delete(`/api/v1/webhooks/${id}/webhook/`).set(as(tenant)).expect(200);
    expect(await t.prisma.webhook.count({ where: { projectId: tenant.projectId } })).toBe(0);
  });

  it('refuses internal targets when a webhook is saved', async () => {
    for (const url of [receiver.url('/x'), receiver.url('/x', 'localhost'), 'http://169.254.169.254/latest/']) {
      const response = await create(owner, { ...hook, url });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ url: [expect.stringMatching(/(loopback|link-local) address/)] });
    }
    const { webhook_id: id } = (await create(owner, hook).expect(201)).body;
    const update = await request(t.http)
      .put(`/api/v1/webhooks/${id}/`)
      .set(as(owner))
      .send({ url: 'http://10.0.0.8/' });
    expect(update.status).toBe(400);
    expect(update.body).toEqual({ url: [expect.stringMatching(/10\.0\.0\.8, a private address/)] });
  });

  it('refuses again at delivery time, after resolving the host', async () => {
    const tenant = await t.newTenant('whssrf');
    // Stored directly, as if DNS had pointed elsewhere at creation time.
    const webhook = await t.prisma.webhook.create({
      data: {
        projectId: tenant.projectId,
        name: 'rebound',
        url: receiver.url('/ssrf', 'localhost'),
        eventTypes: ['memory_add'],
        secret: `whsec_${Buffer.alloc(24, 7).toString('base64')}`,
      },
    });
    await request(t.http)
      .post('/v3/memories/add/')
      .set(as(tenant))
      .send({ messages: [{ role: 'user', content: 'I keep bees.' }], user_id: 'u', infer: false })
      .expect(200);
    const delivery = await eventually(async () => {
      const row = await t.prisma.webhookDelivery.findFirst({ where: { webhookId: webhook.id } });
      return row?.status === 'failed' ? row : undefined;
    });
    expect(delivery.lastError).toMatch(/^Refused: Webhook URL resolves to (127\.0\.0\.1|::1), a loopback address/);
    const log = await request(t.http).get(`/api/v1/webhooks/${webhook.id}/deliveries/`).set(as(tenant)).expect(200);
    expect(log.body.results[0]).toMatchObject({ status: 'failed', attempt_count: 1, last_status_code: null });
    expect(log.body.results[0].attempts).toEqual([
      expect.objectContaining({ attempt: 1, status_code: null, error: delivery.lastError }),
    ]);
    expect(receiver.at('/ssrf')).toEqual([]);
  });
});
