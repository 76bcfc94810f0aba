import { randomUUID } from 'node:crypto';
import request from 'supertest';
// test-app first: it loads Nest (and reflect-metadata) before @app/core's decorated config classes.
import { createTestApp, Tenant, TestApp } from '../utils/test-app';
import { Role } from '@app/core';
import { hashApiKey } from '@app/tenancy';
import { eventually } from '../utils/events';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
const CANNOT_MANAGE = { message: 'Unauthorized to manage API keys of this project.' };
const NOT_FOUND = { message: 'Organization or project not found' };

describe('API key routes', () => {
  let t: TestApp;
  const keysUrl = (tenant: Tenant, orgId = tenant.orgId, projectId = tenant.projectId) =>
    `/api/v1/orgs/organizations/${orgId}/projects/${projectId}/api_keys/`;
  const as = (tenant: Tenant | string) => ({
    Authorization: `Token ${typeof tenant === 'string' ? tenant : tenant.key}`,
  });
  const ping = (key: string) => request(t.http).get('/v1/ping/').set(as(key));
  const create = (tenant: Tenant, body: object) => request(t.http).post(keysUrl(tenant)).set(as(tenant)).send(body);

  beforeAll(async () => {
    // The identity cache is on, as in production: a revocation must still be refused from then on.
    t = await createTestApp({ env: { API_KEY_CACHE_TTL_MS: '60000' } });
  });
  afterAll(() => t.close());

  it('issues a key shown once, stored as its SHA-256 only, that authenticates as the caller', async () => {
    const owner = await t.newTenant('issue');
    const response = await create(owner, { name: 'ci' }).expect(201);
    const { key, ...shown } = response.body as { key: string; id: string; prefix: string };
    expect(key).toMatch(/^m0-[\w-]{40}$/);
    expect(shown).toEqual({
      id: expect.any(String),
      name: 'ci',
      prefix: key.slice(0, 10),
      user_email: owner.email,
      created_at: expect.stringMatching(TIMESTAMP),
      last_used_at: null,
      revoked_at: null,
    });
    const row = await t.prisma.apiKey.findUniqueOrThrow({ where: { id: shown.id } });
    expect(row.keyHash).toBe(hashApiKey(key));
    expect(JSON.stringify(row)).not.toContain(key);

    const me = await ping(key).expect(200);
    expect(me.body).toMatchObject({ org_id: owner.orgId, project_id: owner.projectId, user_email: owner.email });
    const listed = await request(t.http).get(keysUrl(owner)).set(as(owner)).expect(200);
    expect(listed.body.api_keys.map((item: { name: string }) => item.name)).toEqual(['test', 'ci']);
    expect(JSON.stringify(listed.body)).not.toContain(key);
  });

  it("issues a key for a member that carries the member's role", async () => {
    const owner = await t.newTenant('formember');
    const reader = await t.newMember(owner.projectId, Role.READER, 'reader');
    const response = await create(owner, { name: 'reader key', email: reader.email }).expect(201);
    expect(response.body.user_email).toBe(reader.email);
    await request(t.http).delete(`/v1/memories/${randomUUID()}/`).set(as(response.body.key)).expect(403);

    const outsider = await t.newTenant('outsider');
    await create(owner, { name: 'x', email: outsider.email })
      .expect(400)
      .expect({ message: 'User is not a member of this project.' });
  });

  it('revokes a key at once, even while its identity is cached', async () => {
    const owner = await t.newTenant('revoke');
    const { body } = await create(owner, { name: 'short-lived' }).expect(201);
    await ping(body.key).expect(200);
    await ping(body.key).expect(200);
    await request(t.http)
      .delete(`${keysUrl(owner)}${body.id}/`)
      .set(as(owner))
      .expect(200, { message: 'API key revoked.' });
    // The revocation is notified to the identity cache; the very next requests are refused.
    await eventually(async () => ((await ping(body.key)).status === 401 ? true : undefined), 2000);
    await ping(body.key).expect(401);
    await ping(owner.key).expect(200);
    const listed = await request(t.http).get(keysUrl(owner)).set(as(owner)).expect(200);
    const revoked = listed.body.api_keys.find((item: { id: string }) => item.id === body.id);
    expect(revoked.revoked_at).toMatch(TIMESTAMP);
    await request(t.http)
      .delete(`${keysUrl(owner)}${body.id}/`)
      .set(as(owner))
      .expect(404, { message: 'API key not found.' });
  });

  it('lets readers list but not issue or revoke', async () => {
    const owner = await t.newTenant('roles');
    const reader = await t.newMember(owner.projectId, Role.READER, 'reader');
    const listed = await request(t.http)
      .get(keysUrl(reader, owner.orgId, owner.projectId))
      .set(as(reader))
      .expect(200);
    expect(listed.body.api_keys).toHaveLength(2);
    await request(t.http)
      .post(keysUrl(reader, owner.orgId, owner.projectId))
      .set(as(reader))
      .send({ name: 'mine' })
      .expect(403, CANNOT_MANAGE);
    const ownerKey = listed.body.api_keys.find((item: { user_email: string }) => item.user_email === owner.email);
    await request(t.http)
      .delete(`${keysUrl(reader, owner.orgId, owner.projectId)}${ownerKey.id}/`)
      .set(as(reader))
      .expect(403, CANNOT_MANAGE);
    await ping(owner.key).expect(200);
  });

  it("answers 404 for another tenant's org, project or key, and for malformed ids", async () => {
    const owner = await t.newTenant('scoped');
    const other = await t.newTenant('other');
    const { body } = await create(other, { name: 'theirs' }).expect(201);
    await request(t.http)
      .get(keysUrl(owner, other.orgId, other.projectId))
      .set(as(owner))
      .expect(404, NOT_FOUND);
    await request(t.http)
      .post(keysUrl(owner, owner.orgId, other.projectId))
      .set(as(owner))
      .send({ name: 'x' })
      .expect(404, NOT_FOUND);
    await request(t.http)
      .get(keysUrl(owner, 'not-a-uuid', owner.projectId))
      .set(as(owner))
      .expect(404, NOT_FOUND);
    // Their key id under our project: not found, and still working.
    await request(t.http)
      .delete(`${keysUrl(owner)}${body.id}/`)
      .set(as(owner))
      .expect(404);
    await request(t.http)
      .delete(`${keysUrl(owner)}not-a-uuid/`)
      .set(as(owner))
      .expect(404);
    await ping(body.key).expect(200);
  });

  it('refuses bad input with a 400 in the message shape', async () => {
    const owner = await t.newTenant('invalid');
    await create(owner, {}).expect(400, { message: 'name is required.' });
    await create(owner, { name: 42 }).expect(400);
    await create(owner, { name: 'x'.repeat(101) }).expect(400, { message: 'name must be at most 100 characters.' });
    await create(owner, { name: 'x', email: 'nope' }).expect(400, { message: 'Enter a valid email address.' });
    await request(t.http).post(keysUrl(owner)).set('Authorization', 'Token m0-wrong').send({ name: 'x' }).expect(401);
  });
});
