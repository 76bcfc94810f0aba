import request from 'supertest';
import { PrivateRedis, startPrivateRedis } from '../../scripts/lib/private-services';
import { createTestApp, TestApp } from '../utils/test-app';

describe('health and readiness', () => {
  let t: TestApp;
  let redis: PrivateRedis;

  beforeAll(async () => {
    // A private Redis the test can stop, so the shared one keeps serving the other suites.
    redis = await startPrivateRedis();
    t = await createTestApp({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await redis.stop();
    await t.close();
  });

  it('reports liveness without touching dependencies', async () => {
    await request(t.http).get('/healthz').expect(200, { status: 'ok' });
  });

  it('is ready while Postgres and Redis answer', async () => {
    const response = await request(t.http).get('/readyz').expect(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      info: { postgres: { status: 'up' }, redis: { status: 'up' } },
    });
  });

  it('turns not-ready (503) with the failing dependency named when Redis goes down', async () => {
    await redis.stop();
    const started = Date.now();
    const response = await request(t.http).get('/readyz').expect(503);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).toMatchObject({
      status: 'error',
      info: { postgres: { status: 'up' } },
      error: { redis: { status: 'down' } },
    });
    expect(typeof response.body.error.redis.message).toBe('string');
    await request(t.http).get('/healthz').expect(200);
  });
});
