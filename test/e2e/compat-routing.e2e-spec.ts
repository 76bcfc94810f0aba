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
    for (const path of ['/health', '/oss/health', '/memory-service/health']) {
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
