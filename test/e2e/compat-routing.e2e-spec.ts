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
});
