import request from 'supertest';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

describe('self-hosted surfaces: routing, keyless access, error shapes', () => {
  let t: TestApp;
  let a: Tenant;

  beforeAll(async () => {
    t = await createTestApp();
    a = await t.newTenant('routing');
  });
  afterAll(() => t.close());

  it('answers GET /health as the Memory Service does, at the root and under each prefix', async () => {
    for (const path of ['/health', '/oss/health', '/memory-service/health', '/api/health']) {
      const response = await request(t.http).get(path).expect(200);
      expect(response.body).toEqual({ status: 'ok', service: 'mem0-memory-service' });
    }
  });

  it('renders unknown routes of a FastAPI surface as FastAPI does, and of the platform as the platform does', async () => {
    const fastapi = await request(t.http).get('/oss/nowhere').set('Authorization', `Token ${a.key}`).expect(404);
    expect(fastapi.body).toEqual({ detail: 'Not Found' });
    const platform = await request(t.http).get('/v1/nowhere/').set('Authorization', `Token ${a.key}`).expect(404);
    expect(platform.body).toEqual({ detail: 'Not found.' });
  });

  it("keeps the platform for Token clients and for Bearer clients that use the platform's trailing slash", async () => {
    const body = { messages: [{ role: 'user', content: 'I like green tea.' }], user_id: 'routing', infer: false };
    const token = await request(t.http).post('/v1/memories').set('Authorization', `Token ${a.key}`).send(body);
    expect(token.status).toBe(200);
    expect(token.body).not.toHaveProperty('success');
    const slash = await request(t.http).post('/v1/memories/').set('Authorization', `Bearer ${a.key}`).send(body);
    expect(slash.status).toBe(200);
    expect(slash.body).not.toHaveProperty('success');
    const chosen = await request(t.http)
      .post('/v1/memories')
      .set({ Authorization: `Bearer ${a.key}`, 'X-Mem0-Surface': 'platform' })
      .send(body);
    expect(chosen.status).toBe(200);
    expect(chosen.body).not.toHaveProperty('success');
    // One engine: the Memory System sees what the platform stored (the same text is not stored twice).
    const again = await request(t.http).post('/v1/memories').set('Authorization', `Bearer ${a.key}`).send(body);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ success: true, data: [] });
    const fresh = { ...body, messages: [{ role: 'user', content: 'I like black coffee.' }] };
    const system = await request(t.http).post('/v1/memories').set('Authorization', `Bearer ${a.key}`).send(fresh);
    expect(system.status).toBe(201);
    expect(system.body).toMatchObject({
      success: true,
      data: [expect.objectContaining({ content: 'I like black coffee.', user_id: 'routing' })],
    });
  });

  it("answers keyless requests 401 in each surface's shape while anonymous access is off (the default)", async () => {
    const missing = 'Authentication credentials were not provided.';
    for (const path of ['/memories?user_id=a', '/oss/memories?user_id=a', '/memory/list?user_id=a']) {
      const response = await request(t.http).get(path).expect(401);
      expect(response.body).toEqual({ detail: missing });
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
    const envelope = await request(t.http).get('/memory-system/status').expect(401);
    expect(envelope.body).toEqual({
      success: false,
      error: { code: 'UNAUTHORIZED', message: missing, details: null },
      timestamp: expect.any(String),
    });
    const platform = await request(t.http).get('/v1/memories/?user_id=a').expect(401);
    expect(platform.body).toEqual({ detail: missing });
    expect(platform.headers['www-authenticate']).toBe('Token');
  });
});

describe('self-hosted surfaces: keyless access to the configured project (opt-in)', () => {
  const DEFAULT_PROJECT = '5e7a1c3d-2b4f-4e6a-9c8d-0000000000c1';
  let t: TestApp;
  let owner: Tenant;

  beforeAll(async () => {
    t = await createTestApp({ env: { COMPAT_ANONYMOUS_ACCESS: 'true', COMPAT_DEFAULT_PROJECT_ID: DEFAULT_PROJECT } });
    owner = await t.newTenant('keyless');
    await t.prisma.project.create({ data: { id: DEFAULT_PROJECT, orgId: owner.orgId, name: 'keyless-default' } });
  });
  afterAll(() => t.close());

  it('runs keyless requests in that project only: org_id / project_id cannot move them elsewhere', async () => {
    const elsewhere = `?org_id=${owner.orgId}&project_id=${owner.projectId}`;
    const add = await request(t.http)
      .post(`/memory/add${elsewhere}`)
      .send({ user_id: 'kim', text: 'Keyless note', infer: false, org_id: owner.orgId, project_id: owner.projectId })
      .expect(200);
    expect(add.body.results).toEqual([expect.objectContaining({ memory: 'Keyless note', event: 'ADD' })]);
    const stored = await t.prisma.memory.findMany({ where: { userId: 'kim' } });
    expect(stored.map((row) => row.projectId)).toEqual([DEFAULT_PROJECT]);
    // The owner's key still reads its own project, where nothing was added.
    const listed = await request(t.http).get('/memory/list?user_id=kim').set('Authorization', `Token ${owner.key}`);
    expect(listed.body).toEqual({ results: [] });
    // The Memory System has auth of its own: keyless is never enough there, nor on the platform.
    await request(t.http).get('/memory-system/status').expect(401);
    await request(t.http).get('/v1/memories/?user_id=kim').expect(401);
  });
});
