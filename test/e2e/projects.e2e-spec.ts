import request from 'supertest';
// test-app first: it loads Nest (and reflect-metadata) before @app/core's decorated config classes.
import { createTestApp, Tenant, TestApp } from '../utils/test-app';
import { Role } from '@app/core';

const ORGS = '/api/v1/orgs/organizations';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
const NOT_FOUND = { message: 'Organization or project not found' };
const CANNOT_MODIFY = { message: 'Unauthorized to modify this project.' };
const CANNOT_MANAGE = { message: 'Unauthorized to modify project members.' };
const UPDATED = { message: 'Project updated successfully' };
const INVALID_KEY = {
  detail: 'Invalid API key. You can find your API key on https://app.mem0.ai/dashboard/api-keys.',
};
const PROJECT_KEYS = (
  'id project_id org_id name description created_at updated_at members usecase memory_depth inclusion_prompt ' +
  'exclusion_prompt custom_categories custom_instructions agent_custom_instructions update_custom_instructions ' +
  'summary_custom_instructions summary_batch_size summary_max_tokens expiration_date enable_graph multilingual ' +
  'version is_default active_prompt_profile decay user_role'
).split(' ');
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
const roles = (members: { email: string; role: string }[]) => members.map((m) => [m.email, m.role]);

describe('project routes', () => {
  let t: TestApp;
  const auth = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });
  /** One request with the tenant's key (and a JSON body when given). */
  const call = (tenant: Tenant, method: Method, url: string, body?: object) => {
    const pending = request(t.http)[method](url).set(auth(tenant));
    return body === undefined ? pending : pending.send(body);
  };
  const projectUrl = (orgId: string, projectId: string) => `${ORGS}/${orgId}/projects/${projectId}/`;
  const membersUrl = (orgId: string, projectId: string) => `${projectUrl(orgId, projectId)}members/`;
  const createProject = async (owner: Tenant, name: string): Promise<string> => {
    const response = await call(owner, 'post', `${ORGS}/${owner.orgId}/projects/`, { name });
    expect(response.status).toBe(200);
    return response.body.project_id as string;
  };
  const read = async (tenant: Tenant, projectId = tenant.projectId) =>
    (await call(tenant, 'get', projectUrl(tenant.orgId, projectId)).expect(200)).body;
  const patch = (tenant: Tenant, body: object) =>
    call(tenant, 'patch', projectUrl(tenant.orgId, tenant.projectId), body);
  const memberRole = async (projectId: string, userId: string) =>
    (await t.prisma.projectMember.findUnique({ where: { projectId_userId: { projectId, userId } } }))?.role ?? null;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates a project with 200 and makes the creator its owner', async () => {
    const owner = await t.newTenant('create');
    const response = await call(owner, 'post', `${ORGS}/${owner.orgId}/projects/`, {
      name: 'support-bot',
      description: 'Support assistant',
      org_id: owner.orgId,
    }).expect(200);
    expect(response.body).toEqual({
      message: 'Project created successfully.',
      project_id: expect.stringMatching(UUID),
    });
    const projectId: string = response.body.project_id;
    const stored = await t.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(stored).toMatchObject({
      orgId: owner.orgId,
      name: 'support-bot',
      description: 'Support assistant',
      isDefault: false,
    });
    expect(await memberRole(projectId, owner.userId)).toBe(Role.OWNER);

    const listed = await call(owner, 'get', `${ORGS}/${owner.orgId}/projects/`).expect(200);
    expect(listed.body.map((p: { project_id: string; name: string }) => [p.project_id, p.name])).toEqual([
      [owner.projectId, 'default-project'],
      [projectId, 'support-bot'],
    ]);
  });

  it('refuses invalid, duplicate and unauthorized project creation', async () => {
    const owner = await t.newTenant('create-bad');
    const reader = await t.newMember(owner.projectId, Role.READER, 'create-reader');
    const url = `${ORGS}/${owner.orgId}/projects/`;
    for (const body of [{}, { name: '' }, { description: 'no name' }, { name: 7 }]) {
      const response = await call(owner, 'post', url, body).expect(400);
      expect(response.body).toEqual({ message: expect.any(String) });
    }
    await createProject(owner, 'dup');
    for (const name of ['dup', 'default-project']) {
      const response = await call(owner, 'post', url, { name }).expect(400);
      expect(response.body).toEqual({ message: expect.any(String) });
    }
    await call(reader, 'post', url, { name: 'by-reader' }).expect(403, {
      message: 'Unauthorized to create projects in this organization.',
    });
    expect((await t.prisma.project.findMany({ where: { orgId: owner.orgId } })).map((p) => p.name).sort()).toEqual([
      'default-project',
      'dup',
    ]);
  });

  it('returns the full project object and ignores `fields` and tenant query parameters', async () => {
    const owner = await t.newTenant('get');
    const project = await read(owner);
    expect(Object.keys(project)).toEqual(expect.arrayContaining(PROJECT_KEYS));
    expect(project).toMatchObject({
      project_id: owner.projectId,
      org_id: owner.orgId,
      name: 'default-project',
      description: null,
      created_at: expect.stringMatching(TIMESTAMP),
      updated_at: expect.stringMatching(TIMESTAMP),
      usecase: null,
      custom_categories: null,
      custom_instructions: null,
      agent_custom_instructions: null,
      summary_batch_size: 0,
      enable_graph: true,
      multilingual: false,
      version: 'v3',
      is_default: true,
      decay: false,
      user_role: 'OWNER',
    });
    expect(Number.isInteger(project.id)).toBe(true);
    expect(project.members).toEqual([
      expect.objectContaining({ username: owner.email.split('@')[0], email: owner.email, role: 'OWNER' }),
    ]);

    const url = projectUrl(owner.orgId, owner.projectId);
    for (const query of [
      'fields=decay&fields=name',
      'fields=decay',
      'org_id=&project_id=',
      `org_id=${owner.orgId}&project_id=${owner.projectId}`,
    ]) {
      const response = await call(owner, 'get', `${url}?${query}`).expect(200);
      expect(response.body).toEqual(project);
    }
  });

  it('PATCH persists every documented setting', async () => {
    const owner = await t.newTenant('patch');
    await patch(owner, { custom_instructions: 'Only food preferences.' }).expect(200, UPDATED);
    expect((await read(owner)).custom_instructions).toBe('Only food preferences.');
    await patch(owner, { custom_instructions: ['Line one', 'Line two'] }).expect(200, UPDATED);
    expect((await read(owner)).custom_instructions).toBe('Line one\nLine two');

    await patch(owner, { agent_custom_instructions: 'Agent rules' }).expect(200, UPDATED);
    expect((await read(owner)).agent_custom_instructions).toBe('Agent rules');
    await patch(owner, { agent_custom_instructions: '' }).expect(200, UPDATED);
    expect((await read(owner)).agent_custom_instructions).toBeNull();

    const categories = [{ food: 'Food and dining' }, { travel: 'Trips, places & visas' }];
    await patch(owner, { custom_categories: categories }).expect(200, UPDATED);
    expect((await read(owner)).custom_categories).toEqual(categories);
    await patch(owner, { custom_categories: [] }).expect(200, UPDATED);
    expect((await read(owner)).custom_categories).toEqual([]);

    // Settings without an effect here are refused (test/e2e/multimodal.e2e-spec.ts), not stored.
    await patch(owner, { usecase_setting: 42 }).expect(400);
    expect((await read(owner)).usecase).toBeNull();

    // Python also sends org_id/project_id in the body; unknown and legacy keys are ignored.
    await patch(owner, {
      decay: true,
      multilingual: true,
      org_id: '00000000-0000-4000-8000-000000000000',
      project_id: 'whatever',
      retrieval_criteria: [{ name: 'x' }],
      not_a_setting: 'ignored',
    }).expect(200, UPDATED);
    const after = await read(owner);
    expect(after).toMatchObject({ decay: true, multilingual: true, project_id: owner.projectId, org_id: owner.orgId });
    expect(after).not.toHaveProperty('not_a_setting');
    expect(after).not.toHaveProperty('retrieval_criteria');

    // Empty bodies are accepted and change nothing.
    await patch(owner, {}).expect(200, UPDATED);
    await call(owner, 'patch', projectUrl(owner.orgId, owner.projectId)).expect(200, UPDATED);
    expect(await read(owner)).toEqual(after);
  });

  it('PATCH with wrongly typed settings answers 400 and changes nothing', async () => {
    const owner = await t.newTenant('patch-bad');
    const before = await read(owner);
    for (const body of [
      { decay: 'yes' },
      { multilingual: 'true' },
      { custom_categories: 'food' },
      { custom_categories: [{ food: 3 }] },
      { custom_instructions: 5 },
      { custom_instructions: ['ok', 2] },
      { decay: true, enable_graph: 'no' },
    ]) {
      const response = await patch(owner, body).expect(400);
      expect(response.body).toEqual({ message: expect.any(String) });
    }
    expect(await read(owner)).toEqual(before);
  });

  it('PATCH renaming onto another project name answers 400, not 500', async () => {
    const owner = await t.newTenant('rename');
    const other = await createProject(owner, 'taken');
    const response = await patch(owner, { name: 'taken' });
    expect({ status: response.status, body: response.body }).toEqual({
      status: 400,
      body: { message: expect.any(String) },
    });
    expect((await t.prisma.project.findUniqueOrThrow({ where: { id: owner.projectId } })).name).toBe('default-project');
    expect((await t.prisma.project.findUniqueOrThrow({ where: { id: other } })).name).toBe('taken');
  });

  it('lets a READER read the project and its members but change nothing', async () => {
    const owner = await t.newTenant('reader');
    const projectId = await createProject(owner, 'shared');
    const reader = await t.newMember(projectId, Role.READER, 'reader');
    const url = projectUrl(owner.orgId, projectId);
    const members = membersUrl(owner.orgId, projectId);

    const project = await call(reader, 'get', url).expect(200);
    expect(project.body).toMatchObject({ project_id: projectId, user_role: 'READER' });
    const listed = await call(reader, 'get', members).expect(200);
    expect(roles(listed.body.members)).toEqual([
      [owner.email, 'OWNER'],
      [reader.email, 'READER'],
    ]);

    await call(reader, 'patch', url, { decay: true }).expect(403, CANNOT_MODIFY);
    await call(reader, 'delete', url).expect(403, CANNOT_MODIFY);
    await call(reader, 'post', members, { email: reader.email, role: 'OWNER' }).expect(403, CANNOT_MANAGE);
    await call(reader, 'put', members, { email: reader.email, role: 'OWNER' }).expect(403, CANNOT_MANAGE);
    await call(reader, 'delete', members).query({ email: owner.email }).expect(403, CANNOT_MANAGE);
    await call(reader, 'delete', members, { email: owner.email }).expect(403, CANNOT_MANAGE);

    const stored = await t.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(stored.decay).toBe(false);
    expect(await memberRole(projectId, reader.userId)).toBe(Role.READER);
    expect(await memberRole(projectId, owner.userId)).toBe(Role.OWNER);
    // A project of the same org the reader is not a member of is invisible (404, not 403).
    await call(reader, 'get', projectUrl(owner.orgId, owner.projectId)).expect(404, NOT_FOUND);
  });

  it("isolates tenants: another org's project and members answer 404 and stay unchanged", async () => {
    const alice = await t.newTenant('iso-a');
    const bob = await t.newTenant('iso-b');
    await patch(bob, { custom_instructions: 'Bob rules', decay: true }).expect(200, UPDATED);
    const snapshot = await read(bob);
    const bobMembers = await t.prisma.projectMember.findMany({ where: { projectId: bob.projectId } });

    // Bob's real org + project, and Bob's project under Alice's org.
    for (const orgId of [bob.orgId, alice.orgId]) {
      const url = projectUrl(orgId, bob.projectId);
      const members = membersUrl(orgId, bob.projectId);
      await call(alice, 'get', url).expect(404, NOT_FOUND);
      await call(alice, 'get', `${url}?org_id=${orgId}&project_id=${bob.projectId}`).expect(404, NOT_FOUND);
      await call(alice, 'patch', url, { custom_instructions: 'pwned', decay: false }).expect(404, NOT_FOUND);
      await call(alice, 'delete', url).expect(404, NOT_FOUND);
      await call(alice, 'get', members).expect(404, NOT_FOUND);
      await call(alice, 'post', members, { email: alice.email, role: 'OWNER' }).expect(404, NOT_FOUND);
      await call(alice, 'put', members, { email: bob.email, role: 'READER' }).expect(404, NOT_FOUND);
      await call(alice, 'delete', members).query({ email: bob.email }).expect(404, NOT_FOUND);
      await call(alice, 'delete', members, { email: bob.email }).expect(404, NOT_FOUND);
    }
    // Malformed ids are 404 too, never 500.
    await call(alice, 'get', projectUrl(alice.orgId, 'not-a-uuid')).expect(404, NOT_FOUND);
    await call(alice, 'get', projectUrl('nope', alice.projectId)).expect(404, NOT_FOUND);
    // Org-level project routes of Bob's org.
    await call(alice, 'get', `${ORGS}/${bob.orgId}/projects/`).expect(404, { message: 'Organization not found' });
    await call(alice, 'post', `${ORGS}/${bob.orgId}/projects/`, { name: 'intruder' }).expect(404, {
      message: 'Organization not found',
    });

    expect(await read(bob)).toEqual(snapshot);
    expect(snapshot).toMatchObject({ custom_instructions: 'Bob rules', decay: true });
    expect(await t.prisma.projectMember.findMany({ where: { projectId: bob.projectId } })).toEqual(bobMembers);
    expect(await t.prisma.project.count({ where: { orgId: bob.orgId } })).toBe(1);
  });

  it('adds, re-roles and removes project members, keeping an owner', async () => {
    const owner = await t.newTenant('pm');
    const user = await t.newTenant('pm-user');
    const projectId = await createProject(owner, 'team');
    const url = membersUrl(owner.orgId, projectId);
    await call(owner, 'post', `${ORGS}/${owner.orgId}/members/`, { email: user.email, role: 'READER' }).expect(201);

    const initial = await call(owner, 'get', url).expect(200);
    expect(initial.body).toEqual({
      members: [expect.objectContaining({ username: owner.email.split('@')[0], email: owner.email, role: 'OWNER' })],
    });

    const added = { message: 'User added to the project successfully.' };
    await call(owner, 'post', url, { email: user.email, role: 'reader' }).expect(200, added);
    expect(await memberRole(projectId, user.userId)).toBe(Role.READER);
    const unknown = await call(owner, 'post', url, { email: 'nobody-here@example.com', role: 'READER' }).expect(404);
    expect(unknown.body).toEqual({ message: expect.any(String) });
    const badRole = await call(owner, 'post', url, { email: user.email, role: 'ADMIN' }).expect(400);
    expect(badRole.body).toEqual({ message: expect.any(String) });

    const listed = await call(owner, 'get', url).expect(200);
    expect(roles(listed.body.members)).toEqual([
      [owner.email, 'OWNER'],
      [user.email, 'READER'],
    ]);

    await call(owner, 'put', url, { email: user.email, role: 'owner' }).expect(200, {
      message: 'User role updated successfully.',
    });
    expect(await memberRole(projectId, user.userId)).toBe(Role.OWNER);

    const removed = { message: 'Member removed from the project' };
    await call(owner, 'delete', url).query({ email: user.email }).expect(200, removed);
    expect(await memberRole(projectId, user.userId)).toBeNull();
    await call(owner, 'post', url, { email: user.email }).expect(200, added);
    expect(await memberRole(projectId, user.userId)).toBe(Role.READER);
    await call(owner, 'delete', url, { email: user.email }).expect(200, removed);
    expect(await memberRole(projectId, user.userId)).toBeNull();

    // The creator is now the only owner of the project.
    const lastOwner = await call(owner, 'delete', url).query({ email: owner.email }).expect(400);
    expect(lastOwner.body).toEqual({ message: expect.any(String) });
    const demoted = await call(owner, 'put', url, { email: owner.email, role: 'READER' }).expect(400);
    expect(demoted.body).toEqual({ message: expect.any(String) });
    expect(await memberRole(projectId, owner.userId)).toBe(Role.OWNER);
  });

  it('refuses to demote the last project owner through POST members (re-adding with a lower role)', async () => {
    const owner = await t.newTenant('pm-readd');
    const projectId = await createProject(owner, 'solo');
    const readded = await call(owner, 'post', membersUrl(owner.orgId, projectId), {
      email: owner.email,
      role: 'READER',
    });
    // Like PUT and DELETE, this must leave the project with an owner (expected 400).
    expect(await memberRole(projectId, owner.userId)).toBe(Role.OWNER);
    expect(readded.status).toBe(400);
  });

  it('deletes a non-default project with its members and keys; the default project stays', async () => {
    const owner = await t.newTenant('del');
    const projectId = await createProject(owner, 'doomed');
    const projectOwner = await t.newMember(projectId, Role.OWNER, 'del-owner');
    const reader = await t.newMember(projectId, Role.READER, 'del-reader');
    const url = projectUrl(owner.orgId, projectId);
    const ping = await call(projectOwner, 'get', '/v1/ping/').expect(200);
    expect(ping.body.project_id).toBe(projectId);
    expect(await t.prisma.apiKey.count({ where: { projectId } })).toBe(2);

    await call(reader, 'delete', url).expect(403, CANNOT_MODIFY);
    await call(owner, 'delete', url).expect(200, { message: 'Project and related data deleted successfully.' });
    expect(await t.prisma.project.findUnique({ where: { id: projectId } })).toBeNull();
    expect(await t.prisma.projectMember.count({ where: { projectId } })).toBe(0);
    expect(await t.prisma.apiKey.count({ where: { projectId } })).toBe(0);
    await call(projectOwner, 'get', '/v1/ping/').expect(401, INVALID_KEY);
    await call(reader, 'get', '/v1/ping/').expect(401, INVALID_KEY);
    await call(owner, 'get', url).expect(404, NOT_FOUND);
    await call(owner, 'delete', url).expect(404, NOT_FOUND);

    const refused = await call(owner, 'delete', projectUrl(owner.orgId, owner.projectId)).expect(400);
    expect(refused.body).toEqual({ message: expect.any(String) });
    expect(await t.prisma.project.findUnique({ where: { id: owner.projectId } })).not.toBeNull();
    await call(owner, 'get', '/v1/ping/').expect(200);
  });
});
