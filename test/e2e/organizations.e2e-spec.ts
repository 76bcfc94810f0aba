import request from 'supertest';
// test-app first: it loads Nest (and reflect-metadata) before @app/core's decorated config classes.
import { createTestApp, Tenant, TestApp } from '../utils/test-app';
import { Role } from '@app/core';

const ORGS = '/api/v1/orgs/organizations';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
const ORG_NOT_FOUND = { message: 'Organization not found' };
const INVALID_KEY = {
  detail: 'Invalid API key. You can find your API key on https://app.mem0.ai/dashboard/api-keys.',
};

describe('organization routes', () => {
  let t: TestApp;
  const auth = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });
  const members = (orgId: string) => `${ORGS}/${orgId}/members/`;
  const orgRole = async (orgId: string, userId: string) =>
    (await t.prisma.orgMember.findUnique({ where: { orgId_userId: { orgId, userId } } }))?.role ?? null;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("lists only the caller's organizations, with the caller's role in each", async () => {
    const alice = await t.newTenant('list-a');
    const bob = await t.newTenant('list-b');
    const reader = await t.newMember(alice.projectId, Role.READER, 'list-reader');

    const own = await request(t.http).get(`${ORGS}/`).set(auth(alice)).expect(200);
    expect(own.body.map((org: { org_id: string }) => org.org_id)).toEqual([alice.orgId]);
    expect(own.body[0]).toMatchObject({ is_owner: true, user_role: 'OWNER' });

    const other = await request(t.http).get(ORGS).set(auth(bob)).expect(200);
    expect(other.body.map((org: { org_id: string }) => org.org_id)).toEqual([bob.orgId]);

    const asReader = await request(t.http).get(`${ORGS}/`).set(auth(reader)).expect(200);
    expect(asReader.body).toHaveLength(1);
    expect(asReader.body[0]).toMatchObject({ org_id: alice.orgId, is_owner: false, user_role: 'READER' });
  });

  it('creates an organization (201) whose default project is owned by the creator', async () => {
    const owner = await t.newTenant('create');
    const response = await request(t.http)
      .post(`${ORGS}/`)
      .set(auth(owner))
      .send({ name: 'acme', description: 'Acme Inc.', unknown_key: 1 })
      .expect(201);
    expect(response.body).toEqual({
      message: 'Organization created successfully.',
      org_id: expect.stringMatching(UUID),
    });
    const orgId: string = response.body.org_id;

    const org = await t.prisma.organization.findUniqueOrThrow({ where: { id: orgId } });
    expect(org).toMatchObject({ name: 'acme', description: 'Acme Inc.', isDefault: false });
    expect(await orgRole(orgId, owner.userId)).toBe(Role.OWNER);
    const projects = await t.prisma.project.findMany({ where: { orgId }, include: { members: true } });
    expect(projects).toHaveLength(1);
    expect(projects[0]).toMatchObject({ name: 'default-project', isDefault: true });
    expect(projects[0].members.map(({ userId, role }) => ({ userId, role }))).toEqual([
      { userId: owner.userId, role: Role.OWNER },
    ]);

    const listed = await request(t.http).get(`${ORGS}/`).set(auth(owner)).expect(200);
    expect(listed.body.map((item: { org_id: string }) => item.org_id)).toEqual([owner.orgId, orgId]);
    const viaApi = await request(t.http).get(`${ORGS}/${orgId}/projects/`).set(auth(owner)).expect(200);
    expect(viaApi.body).toEqual([
      expect.objectContaining({
        project_id: projects[0].id,
        name: 'default-project',
        is_default: true,
        user_role: 'OWNER',
      }),
    ]);
  });

  it('refuses to create an organization without a name', async () => {
    const owner = await t.newTenant('noname');
    const before = await t.prisma.organization.count();
    const required = { errors: { name: ['This field is required.'] } };
    await request(t.http).post(`${ORGS}/`).set(auth(owner)).send({}).expect(400, required);
    await request(t.http).post(`${ORGS}/`).set(auth(owner)).send({ name: '' }).expect(400, required);
    await request(t.http).post(`${ORGS}/`).set(auth(owner)).send({ description: 'x' }).expect(400, required);
    const notString = await request(t.http).post(`${ORGS}/`).set(auth(owner)).send({ name: 42 }).expect(400);
    expect(notString.body).toEqual({ errors: { name: [expect.any(String)] } });
    expect(await t.prisma.organization.count()).toBe(before);
  });

  it('returns the organization object with members, invitations and legacy fields', async () => {
    const owner = await t.newTenant('get');
    const response = await request(t.http).get(`${ORGS}/${owner.orgId}/`).set(auth(owner)).expect(200);
    const org = response.body;
    expect(org).toEqual(
      expect.objectContaining({
        org_id: owner.orgId,
        id: expect.any(Number),
        name: expect.stringMatching(/^get-org-/),
        description: null,
        invitations: [],
        is_owner: true,
        user_role: 'OWNER',
        is_default: false,
        on_paid_plan: false,
        created_at: expect.stringMatching(TIMESTAMP),
        updated_at: expect.stringMatching(TIMESTAMP),
      }),
    );
    expect(Number.isInteger(org.id)).toBe(true);
    expect(org.members).toEqual([
      expect.objectContaining({ username: owner.email.split('@')[0], email: owner.email, role: 'OWNER' }),
    ]);
    // Without the trailing slash: same handler, no redirect.
    const slashless = await request(t.http).get(`${ORGS}/${owner.orgId}`).set(auth(owner)).expect(200);
    expect(slashless.body).toEqual(org);
  });

  it('answers 404 for organizations the caller is not in and for malformed ids, never 403 or 500', async () => {
    const alice = await t.newTenant('iso-a');
    const bob = await t.newTenant('iso-b');
    for (const orgId of [bob.orgId, 'not-a-uuid', '42', '00000000-0000-4000-8000-000000000000']) {
      await request(t.http).get(`${ORGS}/${orgId}/`).set(auth(alice)).expect(404, ORG_NOT_FOUND);
      await request(t.http).delete(`${ORGS}/${orgId}/`).set(auth(alice)).expect(404, ORG_NOT_FOUND);
      await request(t.http).get(members(orgId)).set(auth(alice)).expect(404, ORG_NOT_FOUND);
      await request(t.http)
        .post(members(orgId))
        .set(auth(alice))
        .send({ email: alice.email, role: 'OWNER' })
        .expect(404, ORG_NOT_FOUND);
      await request(t.http)
        .put(members(orgId))
        .set(auth(alice))
        .send({ email: bob.email, role: 'READER' })
        .expect(404, ORG_NOT_FOUND);
      await request(t.http)
        .delete(members(orgId))
        .set(auth(alice))
        .send({ email: bob.email })
        .expect(404, ORG_NOT_FOUND);
    }
    expect(await t.prisma.organization.findUnique({ where: { id: bob.orgId } })).not.toBeNull();
    expect(await orgRole(bob.orgId, alice.userId)).toBeNull();
    expect(await orgRole(bob.orgId, bob.userId)).toBe(Role.OWNER);
  });

  it('adds, re-roles and removes members and invitations', async () => {
    const owner = await t.newTenant('members');
    const existing = await t.newTenant('existing');
    const other = await t.newTenant('existing-owner');
    const ghost = `Ghost-${Date.now()}@Example.com`;
    const url = members(owner.orgId);

    await request(t.http)
      .post(url)
      .set(auth(owner))
      .send({ email: existing.email, role: 'READER' })
      .expect(201, { message: 'User added to the organization.' });
    expect(await orgRole(owner.orgId, existing.userId)).toBe(Role.READER);
    // Role spelling is case-insensitive and stored upper-case.
    await request(t.http)
      .post(url)
      .set(auth(owner))
      .send({ email: other.email, role: 'owner' })
      .expect(201, { message: 'User added to the organization.' });
    expect(await orgRole(owner.orgId, other.userId)).toBe(Role.OWNER);
    // An unknown e-mail becomes a pending invitation, still 201.
    await request(t.http)
      .post(url)
      .set(auth(owner))
      .send({ email: ghost, role: 'Reader' })
      .expect(201, { message: 'User added to the organization.' });

    const org = await request(t.http).get(`${ORGS}/${owner.orgId}/`).set(auth(owner)).expect(200);
    expect(org.body.invitations).toEqual([expect.objectContaining({ email: ghost.toLowerCase(), role: 'READER' })]);
    expect(org.body.members.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      [owner.email, 'OWNER'],
      [existing.email, 'READER'],
      [other.email, 'OWNER'],
    ]);
    const listed = await request(t.http).get(url).set(auth(owner)).expect(200);
    expect(listed.body).toEqual({ members: org.body.members });
    expect(listed.body.members[1]).toEqual(
      expect.objectContaining({ username: existing.email.split('@')[0], email: existing.email, role: 'READER' }),
    );

    await request(t.http)
      .put(url)
      .set(auth(owner))
      .send({ email: existing.email, role: 'owner' })
      .expect(200, { message: 'User role updated successfully' });
    expect(await orgRole(owner.orgId, existing.userId)).toBe(Role.OWNER);

    // Removal: JSON body (spec) and ?email=.
    await request(t.http)
      .delete(url)
      .set(auth(owner))
      .send({ email: existing.email })
      .expect(200, { message: 'User removed from organization.' });
    expect(await orgRole(owner.orgId, existing.userId)).toBeNull();
    await request(t.http)
      .delete(url)
      .query({ email: other.email })
      .set(auth(owner))
      .expect(200, { message: 'User removed from organization.' });
    expect(await orgRole(owner.orgId, other.userId)).toBeNull();
    await request(t.http)
      .delete(url)
      .query({ email: ghost })
      .set(auth(owner))
      .expect(200, { message: 'User removed from organization.' });
    expect(await t.prisma.orgInvitation.count({ where: { orgId: owner.orgId } })).toBe(0);
    // The removed users keep their own organizations.
    expect(await orgRole(existing.orgId, existing.userId)).toBe(Role.OWNER);
  });

  it('validates member payloads with the errors envelope', async () => {
    const owner = await t.newTenant('validate');
    const existing = await t.newTenant('validate-target');
    const url = members(owner.orgId);
    const badRole = await request(t.http)
      .post(url)
      .set(auth(owner))
      .send({ email: existing.email, role: 'ADMIN' })
      .expect(400);
    expect(badRole.body).toEqual({ errors: { role: [expect.any(String)] } });
    const noRole = await request(t.http).post(url).set(auth(owner)).send({ email: existing.email }).expect(400);
    expect(noRole.body).toEqual({ errors: { role: ['This field is required.'] } });
    const noEmail = await request(t.http).post(url).set(auth(owner)).send({ role: 'READER' }).expect(400);
    expect(noEmail.body).toEqual({ errors: { email: ['This field is required.'] } });
    const badPut = await request(t.http)
      .put(url)
      .set(auth(owner))
      .send({ email: existing.email, role: 'superuser' })
      .expect(400);
    expect(badPut.body).toEqual({ errors: { role: [expect.any(String)] } });
    expect(await orgRole(owner.orgId, existing.userId)).toBeNull();
  });

  it('refuses member management to a non-owner member (403) but lets them read', async () => {
    const owner = await t.newTenant('perm');
    const reader = await t.newMember(owner.projectId, Role.READER, 'perm-reader');
    const outsider = await t.newTenant('perm-outsider');
    const url = members(owner.orgId);

    const org = await request(t.http).get(`${ORGS}/${owner.orgId}/`).set(auth(reader)).expect(200);
    expect(org.body).toMatchObject({ is_owner: false, user_role: 'READER' });
    const listed = await request(t.http).get(url).set(auth(reader)).expect(200);
    expect(listed.body.members).toHaveLength(2);

    const attempts = [
      request(t.http).post(url).set(auth(reader)).send({ email: outsider.email, role: 'OWNER' }),
      request(t.http).put(url).set(auth(reader)).send({ email: reader.email, role: 'OWNER' }),
      request(t.http).put(url).set(auth(reader)).send({ email: owner.email, role: 'READER' }),
      request(t.http).delete(url).set(auth(reader)).send({ email: owner.email }),
      request(t.http).delete(url).query({ email: owner.email }).set(auth(reader)),
    ];
    for (const attempt of attempts) {
      const response = await attempt;
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ message: expect.any(String) });
    }
    expect(await orgRole(owner.orgId, outsider.userId)).toBeNull();
    expect(await orgRole(owner.orgId, reader.userId)).toBe(Role.READER);
    expect(await orgRole(owner.orgId, owner.userId)).toBe(Role.OWNER);
  });

  it('removing a member from the organization ends their access to its projects', async () => {
    const owner = await t.newTenant('revoke');
    const reader = await t.newMember(owner.projectId, Role.READER, 'revoke-reader');
    await request(t.http).get('/v1/ping/').set(auth(reader)).expect(200);
    await request(t.http)
      .delete(members(owner.orgId))
      .query({ email: reader.email })
      .set(auth(owner))
      .expect(200, { message: 'User removed from organization.' });
    expect(await t.prisma.projectMember.count({ where: { userId: reader.userId } })).toBe(0);
    await request(t.http).get('/v1/ping/').set(auth(reader)).expect(401, INVALID_KEY);
    await request(t.http).get(`${ORGS}/${owner.orgId}/`).set(auth(owner)).expect(200);
  });

  it('never removes or demotes the last owner (400)', async () => {
    const owner = await t.newTenant('last');
    const second = await t.newTenant('last-second');
    const url = members(owner.orgId);
    const removed = await request(t.http).delete(url).set(auth(owner)).send({ email: owner.email }).expect(400);
    expect(removed.body).toEqual({ message: expect.any(String) });
    const demoted = await request(t.http)
      .put(url)
      .set(auth(owner))
      .send({ email: owner.email, role: 'READER' })
      .expect(400);
    expect(demoted.body).toEqual({ message: expect.any(String) });
    expect(await orgRole(owner.orgId, owner.userId)).toBe(Role.OWNER);

    // With a second owner, the first may step down.
    await request(t.http).post(url).set(auth(owner)).send({ email: second.email, role: 'OWNER' }).expect(201);
    await request(t.http)
      .put(url)
      .set(auth(owner))
      .send({ email: owner.email, role: 'READER' })
      .expect(200, { message: 'User role updated successfully' });
    expect(await orgRole(owner.orgId, owner.userId)).toBe(Role.READER);
  });

  it('refuses to demote the last owner through POST members (re-adding with a lower role)', async () => {
    const owner = await t.newTenant('readd');
    const readded = await request(t.http)
      .post(members(owner.orgId))
      .set(auth(owner))
      .send({ email: owner.email, role: 'READER' });
    // Whatever the answer, the organization must keep an owner; a 400 like PUT is expected.
    expect(await t.prisma.orgMember.count({ where: { orgId: owner.orgId, role: Role.OWNER } })).toBe(1);
    expect(readded.status).toBe(400);
    expect(readded.body).toEqual({ message: expect.any(String) });
  });

  it('deletes an organization with its projects and keys (owners only)', async () => {
    const owner = await t.newTenant('delete');
    const survivor = await t.newTenant('delete-survivor');
    const reader = await t.newMember(owner.projectId, Role.READER, 'delete-reader');
    const extra = await request(t.http)
      .post(`${ORGS}/${owner.orgId}/projects/`)
      .set(auth(owner))
      .send({ name: 'second' })
      .expect(200);
    const projectIds = [owner.projectId, extra.body.project_id as string];

    await request(t.http).delete(`${ORGS}/${owner.orgId}/`).set(auth(reader)).expect(403, { message: 'Unauthorized' });
    expect(await t.prisma.project.count({ where: { orgId: owner.orgId } })).toBe(2);

    await request(t.http)
      .delete(`${ORGS}/${owner.orgId}/`)
      .set(auth(owner))
      .expect(200, { message: 'Organization deleted successfully!' });
    expect(await t.prisma.organization.findUnique({ where: { id: owner.orgId } })).toBeNull();
    expect(await t.prisma.project.count({ where: { id: { in: projectIds } } })).toBe(0);
    expect(await t.prisma.projectMember.count({ where: { projectId: { in: projectIds } } })).toBe(0);
    expect(await t.prisma.apiKey.count({ where: { projectId: { in: projectIds } } })).toBe(0);
    expect(await t.prisma.orgMember.count({ where: { orgId: owner.orgId } })).toBe(0);
    // Keys of the deleted projects stop working; users themselves remain.
    await request(t.http).get('/v1/ping/').set(auth(owner)).expect(401, INVALID_KEY);
    await request(t.http).get('/v1/ping/').set(auth(reader)).expect(401, INVALID_KEY);
    expect(await t.prisma.user.count({ where: { id: { in: [owner.userId, reader.userId] } } })).toBe(2);
    // Another tenant is untouched.
    const ping = await request(t.http).get('/v1/ping/').set(auth(survivor)).expect(200);
    expect(ping.body).toMatchObject({ org_id: survivor.orgId, project_id: survivor.projectId });
  });
});
