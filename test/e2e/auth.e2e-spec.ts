import request from 'supertest';
import { createTestApp, TestApp, TEST_BOOTSTRAP_KEY } from '../utils/test-app';

const INVALID = {
  detail: 'Invalid API key. You can find your API key on https://app.mem0.ai/dashboard/api-keys.',
};
const MISSING = { detail: 'Authentication credentials were not provided.' };

describe('authentication and GET /v1/ping/', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers ping with the key’s org, project and user for each accepted header style', async () => {
    const tenant = await t.newTenant('ping');
    const expected = { status: 'ok', org_id: tenant.orgId, project_id: tenant.projectId, user_email: tenant.email };
    for (const headers of [
      { Authorization: `Token ${tenant.key}` },
      { Authorization: `token   ${tenant.key}` },
      { Authorization: `Bearer ${tenant.key}` },
      { 'X-API-Key': tenant.key },
    ]) {
      const response = await request(t.http).get('/v1/ping/').set(headers).expect(200);
      expect(response.body).toEqual(expected);
      expect(response.headers['content-type']).toMatch(/application\/json/);
    }
  });

  it('accepts the bootstrap key and ignores the client telemetry headers', async () => {
    const response = await request(t.http)
      .get('/v1/ping/')
      .set('Authorization', `Token ${TEST_BOOTSTRAP_KEY}`)
      .set('Mem0-User-ID', 'abc')
      .set('X-Mem0-Source', 'cli')
      .set('X-Mem0-Client-Language', 'python')
      .expect(200);
    expect(response.body).toMatchObject({ status: 'ok', user_email: 'owner@localhost' });
  });

  it('refuses a missing key with the platform’s exact body and WWW-Authenticate', async () => {
    const response = await request(t.http).get('/v1/ping/').expect(401);
    expect(response.body).toEqual(MISSING);
    expect(response.headers['www-authenticate']).toBe('Token');
    await request(t.http).get('/v1/ping/').set('Authorization', 'Basic dXNlcjpwYXNz').expect(401, MISSING);
    await request(t.http).get('/v1/ping/').set('Authorization', 'Token').expect(401, MISSING);
  });

  it('refuses an unknown key with the platform’s exact body', async () => {
    await request(t.http).get('/v1/ping/').set('Authorization', 'Token m0-not-a-real-key').expect(401, INVALID);
    await request(t.http).get('/v1/ping/').set('X-API-Key', 'x'.repeat(2000)).expect(401, INVALID);
  });

  it('refuses a revoked key and records last use of active ones', async () => {
    const tenant = await t.newTenant('revoke');
    await request(t.http).get('/v1/ping/').set('Authorization', `Token ${tenant.key}`).expect(200);
    const stored = await t.prisma.apiKey.findFirstOrThrow({ where: { userId: tenant.userId } });
    expect(stored.lastUsedAt).not.toBeNull();
    expect(stored.keyHash).not.toContain(tenant.key);
    expect(JSON.stringify(stored)).not.toContain(tenant.key);
    await t.prisma.apiKey.update({ where: { id: stored.id }, data: { revokedAt: new Date() } });
    await request(t.http).get('/v1/ping/').set('Authorization', `Token ${tenant.key}`).expect(401, INVALID);
  });

  it('keeps health and docs public, everything else behind a key', async () => {
    await request(t.http).get('/healthz').expect(200, { status: 'ok' });
    await request(t.http).get('/openapi.json').expect(200);
    await request(t.http).get('/api/v1/orgs/organizations/').expect(401, MISSING);
  });
});
